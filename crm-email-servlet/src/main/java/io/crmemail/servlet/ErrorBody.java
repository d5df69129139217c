package io.crmemail.servlet;

/** The wire form of every error: {@code {"error":{"code","message","field"}}}, field omitted when null. */
record ErrorBody(Detail error) {

    record Detail(String code, String message, String field) {
    }

    static ErrorBody of(String code, String message, String field) {
        return new ErrorBody(new Detail(code, message, field));
    }
}
