package io.crmemail.servlet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** ISO 8601 timestamps of the v1 surface: with a zone ({@code Z} or an offset), nothing else. */
final class V1Times {

    private V1Times() {
    }

    /** Null or blank → null. @throws ApiException validation_error naming the field */
    static Instant parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.validation(field, field + " must be an ISO 8601 timestamp with a zone, such as "
                    + "2026-03-10T09:00:00Z, got " + value);
        }
    }
}
