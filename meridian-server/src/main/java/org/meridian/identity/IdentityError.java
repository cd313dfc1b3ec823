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
    TOO_MANY_ATTEMPTS(ErrorType.TOO_MANY_REQUESTS),
    /** A machine client's id or secret is wrong, or the client is disabled. */
    INVALID_CLIENT(ErrorType.UNAUTHENTICATED),
    /** An administrator acting beyond their department, or granting what they may not. */
    NOT_YOUR_DEPARTMENT(ErrorType.FORBIDDEN),
    /** No such department, user or client in the tenant (as far as the caller may see). */
    NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** A department, user or client of that name exists. */
    ALREADY_EXISTS(ErrorType.ALREADY_EXISTS),
    /**
     * A change sent with a browser's session cookie but without the session's CSRF token, or from another site's page
     * (its Origin): refused, as another site may have sent it.
     */
    CROSS_SITE_REQUEST(ErrorType.FORBIDDEN),
    /** A request body or parameter that is not what the administration API accepts. */
    INVALID_INPUT(ErrorType.BAD_REQUEST_DATA);

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
