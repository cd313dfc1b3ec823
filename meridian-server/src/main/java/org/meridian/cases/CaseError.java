package org.meridian.cases;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The errors of case handling. */
public enum CaseError implements ErrorCode {
    /** No such case, category or attachment in the tenant (as far as the caller may see). */
    NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** A body or parameter the case API does not accept. */
    INVALID_INPUT(ErrorType.BAD_REQUEST_DATA),
    /** The caller's role or department may not take this action on this case. */
    NOT_ALLOWED(ErrorType.FORBIDDEN),
    /** The case's state does not allow the action (it moved on, or was never there). */
    WRONG_STATE(ErrorType.CONFLICT),
    /** Someone else changed the case at the same moment: read it again and decide again. */
    CHANGED_MEANWHILE(ErrorType.CONFLICT),
    /** An attachment larger than case handling takes. */
    TOO_LARGE(ErrorType.PAYLOAD_TOO_LARGE),
    /** An attachment of a kind case handling does not take, or not the kind it was sent as. */
    UNSUPPORTED_TYPE(ErrorType.UNSUPPORTED_MEDIA_TYPE);

    private final ErrorType type;

    CaseError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "cases";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
