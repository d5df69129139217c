package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.crmemail.core.signature.Signature;
import java.time.Instant;

/**
 * A signature row on the wire, snake_case like the spec's {@code is_default}:
 * {@code {id, name, html, is_default, created_at, updated_at}}.
 */
record SignatureView(
        long id,
        String name,
        String html,
        @JsonProperty("is_default") boolean isDefault,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt) {

    static SignatureView of(Signature s) {
        return new SignatureView(s.id(), s.name(), s.html(), s.isDefault(), s.createdAt(), s.updatedAt());
    }
}
