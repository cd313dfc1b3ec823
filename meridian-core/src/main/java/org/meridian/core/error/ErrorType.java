package org.meridian.core.error;

/**
 * The closed set of errors Meridian reports. Each carries the NGSI-LD problem type URI and the HTTP status it maps to,
 * so services throw domain errors and the HTTP edge maps them in one place.
 */
public enum ErrorType {
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
    INTERNAL_ERROR("InternalError", 500, "An internal error occurred"),
    /** Not an NGSI-LD error type: Meridian's own, for back-pressure on its non-NGSI-LD endpoints (device ingest). */
    OVERLOADED("Overloaded", 503, "The server is busy; send the request again later", "urn:meridian:error:"),
    /** Not an NGSI-LD error type: the database does not answer (an outage); answered at once, with Retry-After. */
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "The service is unavailable for a moment", "urn:meridian:error:");

    private static final String NGSI_LD_ERRORS = "https://uri.etsi.org/ngsi-ld/errors/";

    private final String name;
    private final int httpStatus;
    private final String title;

    private final String namespace;

    ErrorType(String name, int httpStatus, String title) {
        this(name, httpStatus, title, NGSI_LD_ERRORS);
    }

    ErrorType(String name, int httpStatus, String title, String namespace) {
        this.name = name;
        this.httpStatus = httpStatus;
        this.title = title;
        this.namespace = namespace;
    }

    public String uri() {
        return namespace + name;
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
