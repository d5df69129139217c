package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The v1 wire envelope: {@code {"success":true,"data":…,"meta":…}} or
 * {@code {"success":false,"error":{"code","message","field"}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record V1Envelope(boolean success, Object data, Object meta, ErrorBody.Detail error) {

    static V1Envelope ok(Object data) {
        return new V1Envelope(true, data, null, null);
    }

    static V1Envelope ok(Object data, Object meta) {
        return new V1Envelope(true, data, meta, null);
    }

    static V1Envelope error(String code, String message, String field) {
        return new V1Envelope(false, null, null, new ErrorBody.Detail(code, message, field));
    }
}
