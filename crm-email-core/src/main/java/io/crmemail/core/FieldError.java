package io.crmemail.core;

/** One problem with one input field, e.g. {@code fromIdentity.email}. */
public record FieldError(ErrorCode code, String field, String message) {
}
