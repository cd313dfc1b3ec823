package org.meridian.core.error;

/**
 * The closed set of kinds of failure, shared by every capability; each API face maps a kind once to its own format
 * (NGSI-LD problem details; Open311 error lists later). The names are NGSI-LD's error types where one fits, since the
 * broker's face is the first and strictest. An ErrorType is also the generic {@link ErrorCode} of its kind, for
 * failures no capability names more precisely.
 */
public enum ErrorType implements ErrorCode {
    INVALID_REQUEST("InvalidRequest", 400, "The request is malformed"),
    BAD_REQUEST_DATA("BadRequestData", 400, "The request contains invalid data"),
    ALREADY_EXISTS("AlreadyExists", 409, "The resource already exists"),
    OPERATION_NOT_SUPPORTED("OperationNotSupported", 422, "The operation is not supported"),
    RESOURCE_NOT_FOUND("ResourceNotFound", 404, "The resource was not found"),
    NONEXISTENT_TENANT("NonexistentTenant", 404, "The tenant does not exist"),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The method is not allowed on this resource"),
    NOT_ACCEPTABLE("NotAcceptable", 406, "None of the accepted media types can be produced"),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415, "The request's media type is not supported"),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413, "The request body is too large"),
    TOO_COMPLEX_QUERY("TooComplexQuery", 403, "The query is too complex"),
    TOO_MANY_RESULTS("TooManyResults", 403, "The query would return too many results"),
    LD_CONTEXT_NOT_AVAILABLE("LdContextNotAvailable", 503, "A JSON-LD @context could not be retrieved"),
    /** A forwarded write that came back through this broker (clause 6.3.18): a loop of registrations. */
    LOOP_DETECTED("LoopDetected", 508, "The request came back through this broker"),
    INTERNAL_ERROR("InternalError", 500, "An internal error occurred"),
    /** Not an NGSI-LD error type: Meridian's own, for back-pressure (device ingest, large bodies, stopping). */
    OVERLOADED("Overloaded", 503, "The server is busy; send the request again later", false),
    /** Not an NGSI-LD error type: the database does not answer (an outage); answered at once, with Retry-After. */
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "The service is unavailable for a moment", false),
    /** Not an NGSI-LD error type: no valid credentials (a missing, expired, forged or revoked token). */
    UNAUTHENTICATED("Unauthenticated", 401, "Valid credentials are needed", false),
    /** Not an NGSI-LD error type: the caller is known but may not do this. */
    FORBIDDEN("Forbidden", 403, "The caller may not do this", false),
    /** Not an NGSI-LD error type: too many attempts (sign-ins) from one client or for one account; wait. */
    TOO_MANY_REQUESTS("TooManyRequests", 429, "Too many requests; wait before trying again", false),
    /** Not an NGSI-LD error type: the request (its body) did not arrive in time. */
    REQUEST_TIMEOUT("RequestTimeout", 408, "The request did not arrive in time", false),
    /** Not an NGSI-LD error type: the resource's state does not allow this now (a case in another stage, changed meanwhile). */
    CONFLICT("Conflict", 409, "The resource's state does not allow this now", false);

    private final String name;
    private final int httpStatus;
    private final String title;
    private final boolean ngsiLd;

    ErrorType(String name, int httpStatus, String title) {
        this(name, httpStatus, title, true);
    }

    ErrorType(String name, int httpStatus, String title, boolean ngsiLd) {
        this.name = name;
        this.httpStatus = httpStatus;
        this.title = title;
        this.ngsiLd = ngsiLd;
    }

    /** Whether NGSI-LD defines this error type (the others are Meridian's own). */
    public boolean isNgsiLd() {
        return ngsiLd;
    }

    @Override
    public String capability() {
        return "core";
    }

    @Override
    public ErrorType type() {
        return this;
    }

    public String shortName() {
        return name;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }
}
