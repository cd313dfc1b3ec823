package org.meridian.sharing;

import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.ErrorType;

/** The errors of governed sharing. */
public enum SharingError implements ErrorCode {
    /** No such dataset, request or grant in the tenant (as far as the caller may see). */
    NOT_FOUND(ErrorType.RESOURCE_NOT_FOUND),
    /** A body or parameter the sharing API does not accept. */
    INVALID_INPUT(ErrorType.BAD_REQUEST_DATA),
    /** The caller may not decide this (not the owner), or not ask for it. */
    NOT_YOURS(ErrorType.FORBIDDEN),
    /** The request was decided already. */
    ALREADY_DECIDED(ErrorType.ALREADY_EXISTS),
    /** The ledger's chain is broken (verification found an edited, missing or moved entry). */
    LEDGER_BROKEN(ErrorType.INTERNAL_ERROR);

    private final ErrorType type;

    SharingError(ErrorType type) {
        this.type = type;
    }

    @Override
    public String capability() {
        return "sharing";
    }

    @Override
    public ErrorType type() {
        return type;
    }
}
