package org.meridian.platform;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The errors the platform itself raises, whatever capability a request was for. */
public enum PlatformError implements ErrorCode {
    /** The NGSILD-Tenant names a tenant nothing was ever written to. */
    TENANT_NOT_FOUND(ErrorType.NONEXISTENT_TENANT),
    /** The database does not answer: nothing was changed, the client sends again shortly. */
    DATABASE_UNAVAILABLE(ErrorType.SERVICE_UNAVAILABLE),
    /** Too many large bodies are being read at once (their memory budget is spent). */
    BUSY_READING_LARGE_BODIES(ErrorType.OVERLOADED),
    /** The node is stopping; the request was not carried out. */
    STOPPING(ErrorType.OVERLOADED),
    BODY_TOO_LARGE(ErrorType.PAYLOAD_TOO_LARGE),
    /** The request could not be read as HTTP (Jetty refused it). */
    REQUEST_UNREADABLE(ErrorType.INVALID_REQUEST),
    /** The request's body did not arrive in time. */
    REQUEST_TOO_SLOW(ErrorType.REQUEST_TIMEOUT),
    /** The route needs a signed-in caller and the request carries no credentials. */
    NOT_SIGNED_IN(ErrorType.UNAUTHENTICATED),
    /** The caller is signed in but holds no role the route admits, in the tenant the request names. */
    NOT_ALLOWED(ErrorType.FORBIDDEN),
    /** The caller sent more requests than its rate allows. */
    RATE_LIMITED(ErrorType.TOO_MANY_REQUESTS),
    /** A fault of the server's: the log has the details, the answer does not. */
    UNEXPECTED(ErrorType.INTERNAL_ERROR);

    private final ErrorType type;

    PlatformError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "platform";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
