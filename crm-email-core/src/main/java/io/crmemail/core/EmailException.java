package io.crmemail.core;

import java.util.List;
import java.util.Objects;

/**
 * The one exception the library throws for a caller's mistake or a refused operation. It carries a
 * stable {@link ErrorCode}, the field at fault (may be null) and, for validation, every field error found.
 */
public class EmailException extends RuntimeException {

    private final ErrorCode code;
    private final String field;
    private final List<FieldError> errors;

    public EmailException(ErrorCode code, String field, String message) {
        this(List.of(new FieldError(code, field, message)));
    }

    /** @param errors at least one; the first one becomes this exception's code, field and message */
    public EmailException(List<FieldError> errors) {
        super(errors.get(0).message());
        this.code = Objects.requireNonNull(errors.get(0).code());
        this.field = errors.get(0).field();
        this.errors = List.copyOf(errors);
    }

    public static EmailException validation(String field, String message) {
        return new EmailException(ErrorCode.VALIDATION_ERROR, field, message);
    }

    public static EmailException notFound(String field, String message) {
        return new EmailException(ErrorCode.NOT_FOUND, field, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** The input field at fault, such as {@code to[1]}; null when no single field is. */
    public String field() {
        return field;
    }

    /** All problems found, first one first. */
    public List<FieldError> errors() {
        return errors;
    }
}
