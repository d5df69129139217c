package io.crmemail.core;

import java.util.List;

/**
 * The checks every attachment passes on either send surface: how many, the name and type that go into its
 * MIME headers, and the total size.
 */
final class AttachmentChecks {

    static final String DEFAULT_TYPE = "application/octet-stream";

    private AttachmentChecks() {
    }

    /** False (reported on {@code attachments}) when there are more than the limit allows. */
    static boolean countFits(int count, Limits limits, List<FieldError> errors) {
        if (count > limits.maxAttachments()) {
            errors.add(FieldChecks.invalid("attachments", "at most " + limits.maxAttachments()
                    + " attachments are allowed, got " + count));
            return false;
        }
        return true;
    }

    /** The name as it goes into Content-Disposition, or null after reporting a control character. */
    static String name(String field, String name, List<FieldError> errors) {
        if (FieldChecks.hasControl(name)) {
            errors.add(FieldChecks.invalid(field, field + " must not contain line breaks or control characters"));
            return null;
        }
        return name;
    }

    /** The given type, or {@code fallback} when none is given; null after reporting an invalid one. */
    static String type(String field, String given, String fallback, List<FieldError> errors) {
        String type = given == null || given.isBlank() ? fallback : given.strip();
        if (!FieldChecks.validContentType(type)) {
            errors.add(FieldChecks.invalid(field, field + " is not a valid content type: " + type));
            return null;
        }
        return type;
    }

    /** Reports a total over the limit as payload_too_large on {@code attachments}. */
    static void totalFits(long total, Limits limits, List<FieldError> errors) {
        if (total > limits.maxAttachmentBytes()) {
            errors.add(new FieldError(ErrorCode.PAYLOAD_TOO_LARGE, "attachments",
                    "attachments total " + total + " bytes, more than the limit of " + limits.maxAttachmentBytes()));
        }
    }
}
