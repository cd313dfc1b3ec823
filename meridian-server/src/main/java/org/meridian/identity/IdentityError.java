package org.meridian.identity;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The identity capability's errors. */
public enum IdentityError implements ErrorCode {
    /** No token where one is needed, or one that is malformed, forged, expired or of a disabled account. */
    INVALID_TOKEN(ErrorType.UNAUTHENTICATED),
    /** A wrong user name or password (never saying which). */
    INVALID_GRANT(ErrorType.BAD_REQUEST_DATA),
    /** Too many failed sign-ins for the account or from the address: wait. */
    TOO_MANY_ATTEMPTS(ErrorType.TOO_MANY_REQUESTS);

    private final ErrorType type;

    IdentityError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "identity";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
