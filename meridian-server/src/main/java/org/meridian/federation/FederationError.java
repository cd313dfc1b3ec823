package org.meridian.federation;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The federation API's errors, each with the status it answers. */
public enum FederationError implements ErrorCode {
    /** A parameter the federation API does not accept. */
    INVALID_INPUT(ErrorType.BAD_REQUEST_DATA),
    /** The caller is not a node registered below this one. */
    NOT_A_CHILD(ErrorType.FORBIDDEN);

    private final ErrorType type;

    FederationError(ErrorType type) {
        this.type = type;
    }

    @Override
    public ErrorType type() {
        return type;
    }

    @Override
    public String capability() {
        return "federation";
    }
}
