package org.meridian.broker;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The broker's errors, each of an NGSI-LD error type; what is not here is reported by its type alone (core.*). */
public enum BrokerError implements ErrorCode {
    ENTITY_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** A write of a type the caller's department does not own. */
    NOT_YOUR_DATA(ErrorType.FORBIDDEN),
    ENTITY_EXISTS(ErrorType.ALREADY_EXISTS),
    /** The entity exists, the attribute (or its instance with that datasetId) does not. */
    ATTRIBUTE_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** No instance of a temporal attribute with that instance id. */
    INSTANCE_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    SUBSCRIPTION_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    SUBSCRIPTION_EXISTS(ErrorType.ALREADY_EXISTS),
    REGISTRATION_NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    REGISTRATION_EXISTS(ErrorType.ALREADY_EXISTS),
    /** More registrations (or subscriptions to them) in a tenant than a broker keeps: see docs/federation.md. */
    TOO_MANY_REGISTRATIONS(ErrorType.BAD_REQUEST_DATA),
    /** More elements in one batch operation than MERIDIAN_MAX_BATCH_SIZE. */
    BATCH_TOO_LARGE(ErrorType.BAD_REQUEST_DATA);

    private final ErrorType type;

    BrokerError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "broker";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
