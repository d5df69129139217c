package io.crmemail.servlet;

/** An HTTP-level refusal decided in this module (auth, routing, content type, size, JSON syntax). */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    ApiException(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", null, message);
    }

    static ApiException invalidKey(String message) {
        return new ApiException(401, "invalid_key", null, message);
    }

    static ApiException forbidden(String field, String message) {
        return new ApiException(403, "insufficient_permissions", field, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", null, message);
    }

    static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "method_not_allowed", null, message);
    }

    static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "unsupported_media_type", null, message);
    }

    static ApiException payloadTooLarge(long limit) {
        return new ApiException(413, "payload_too_large", null, "request body exceeds the limit of " + limit + " bytes");
    }

    static ApiException validation(String field, String message) {
        return new ApiException(400, "validation_error", field, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }
}
