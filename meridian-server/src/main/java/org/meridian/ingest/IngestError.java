package org.meridian.ingest;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** Device ingest's errors. */
public enum IngestError implements ErrorCode {
    SERVICE_GROUP_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    API_KEY_TAKEN(ErrorType.ALREADY_EXISTS),
    DEVICE_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    DEVICE_EXISTS(ErrorType.ALREADY_EXISTS),
    IMPORT_MAPPING_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    IMPORT_TOO_LARGE(ErrorType.PAYLOAD_TOO_LARGE),
    /** A measurement from a device nobody provisioned. */
    UNKNOWN_DEVICE(ErrorType.RESOURCE_NOT_FOUND),
    /** An HTTP measurement without valid device or gateway credentials. */
    DEVICE_NOT_AUTHENTICATED(ErrorType.UNAUTHENTICATED),
    /** Valid credentials of a device or gateway that may not send for the device named. */
    NOT_YOUR_DEVICE(ErrorType.FORBIDDEN),
    MEASUREMENT_TOO_LARGE(ErrorType.PAYLOAD_TOO_LARGE),
    /** A measurement that cannot be stored as sent (malformed, of the wrong type, an unknown key). */
    MEASUREMENT_REJECTED(ErrorType.BAD_REQUEST_DATA),
    /** The measurement queue is full: the device sends again later. */
    INGEST_OVERLOADED(ErrorType.OVERLOADED);

    private final ErrorType type;

    IngestError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "ingest";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
