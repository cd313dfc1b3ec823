package org.meridian.core.error;

import java.util.Objects;

/** The one exception type for expected failures; each API face turns it into its error format. */
public final class MeridianException extends RuntimeException {
    private final ErrorCode code;

    public MeridianException(ErrorCode code, String detail) {
        super(Objects.requireNonNull(detail, "detail"));
        this.code = Objects.requireNonNull(code, "code");
    }

    public MeridianException(ErrorCode code, String detail, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The kind of failure: what API faces map. */
    public ErrorType type() {
        return code.type();
    }

    /** The specific error, as the capability that raised it names it. */
    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public static MeridianException badData(String detail) {
        return new MeridianException(ErrorType.BAD_REQUEST_DATA, detail);
    }

    public static MeridianException invalidRequest(String detail) {
        return new MeridianException(ErrorType.INVALID_REQUEST, detail);
    }

    public static MeridianException notFound(String detail) {
        return new MeridianException(ErrorType.RESOURCE_NOT_FOUND, detail);
    }
}
