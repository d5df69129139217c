package io.crmemail.core;

/** Stable machine-readable error codes. The HTTP layers map each to one status. */
public enum ErrorCode {
    /** The caller sent something invalid; {@link EmailException#field()} names it. */
    VALIDATION_ERROR("validation_error"),
    /** The referenced object does not exist or is not visible to the caller. */
    NOT_FOUND("not_found"),
    /** The caller may not do this. */
    INSUFFICIENT_PERMISSIONS("insufficient_permissions"),
    /** The object is in a state that does not allow the operation. */
    CONFLICT("conflict"),
    /** A body, attachment or message exceeds a configured size limit. */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** A send cap was exceeded. */
    RATE_LIMITED("rate_limited"),
    /** The upstream mail server refused or failed. */
    PROVIDER_ERROR("provider_error");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The wire form, e.g. {@code validation_error}. */
    public String code() {
        return code;
    }
}
