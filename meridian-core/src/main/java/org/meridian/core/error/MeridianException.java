package org.meridian.core.error;

import java.util.Objects;

/** The one exception type for expected failures; the HTTP edge turns it into problem details. */
public final class MeridianException extends RuntimeException {
    private final ErrorType type;

    public MeridianException(ErrorType type, String detail) {
        super(Objects.requireNonNull(detail, "detail"));
        this.type = Objects.requireNonNull(type, "type");
    }

    public MeridianException(ErrorType type, String detail, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        this.type = Objects.requireNonNull(type, "type");
    }

    public ErrorType type() {
        return type;
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
