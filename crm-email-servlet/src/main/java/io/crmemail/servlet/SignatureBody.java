package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.crmemail.core.signature.SignatureRequest;

/** The body of signature create and update: {@code {name, html, is_default}}. */
record SignatureBody(String name, String html, @JsonProperty("is_default") Boolean isDefault) {

    static SignatureRequest toRequest(SignatureBody body) {
        if (body == null) {
            return new SignatureRequest(null, null, false);
        }
        return new SignatureRequest(body.name(), body.html(), Boolean.TRUE.equals(body.isDefault()));
    }
}
