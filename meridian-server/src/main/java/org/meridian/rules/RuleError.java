package org.meridian.rules;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The errors of event rules. */
public enum RuleError implements ErrorCode {
    /** No such rule or episode in the tenant (as far as the caller may see). */
    NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** A rule that does not parse, breaks the language's schema or its limits, or a bad parameter. */
    INVALID_INPUT(ErrorType.BAD_REQUEST_DATA),
    /** The caller may not manage this department's rules. */
    NOT_ALLOWED(ErrorType.FORBIDDEN),
    /** A rule with that id exists already. */
    ALREADY_EXISTS(ErrorType.ALREADY_EXISTS),
    /** The episode is cleared already. */
    WRONG_STATE(ErrorType.CONFLICT),
    /** A rule larger than the language takes. */
    TOO_LARGE(ErrorType.PAYLOAD_TOO_LARGE);

    private final ErrorType type;

    RuleError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "rules";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
