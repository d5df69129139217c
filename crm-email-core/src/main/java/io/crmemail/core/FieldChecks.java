package io.crmemail.core;

import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.TableInfo;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Field checks both send surfaces (CRM and {@code /api/v1}) apply the same way. */
final class FieldChecks {

    private FieldChecks() {
    }

    static FieldError invalid(String field, String message) {
        return new FieldError(ErrorCode.VALIDATION_ERROR, field, message);
    }

    /** Parses each address (RFC 5322); a bad one is reported as {@code field[i]}. Returns the good ones normalised. */
    static List<String> recipients(String field, List<String> given, List<FieldError> errors) {
        List<String> normalised = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            try {
                normalised.add(Mailbox.parse(given.get(i)).toString());
            } catch (IllegalArgumentException e) {
                errors.add(invalid(field + "[" + i + "]", field + "[" + i + "] " + e.getMessage()));
            }
        }
        return normalised;
    }

    /**
     * A sender as given, checked and normalised (blank name → none), or null after reporting why not. The
     * address is parsed again: a host may build a {@link Mailbox} without {@link Mailbox#parse}.
     */
    static Mailbox sender(String emailField, String nameField, Mailbox given, List<FieldError> errors) {
        if (given == null || given.email() == null || given.email().isBlank()) {
            errors.add(invalid(emailField, emailField + " is required"));
            return null;
        }
        String name = given.name();
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            errors.add(invalid(nameField, nameField + " must not contain line breaks or other control characters"));
            return null;
        }
        Mailbox parsed;
        try {
            parsed = Mailbox.parse(given.email());
        } catch (IllegalArgumentException e) {
            errors.add(invalid(emailField, emailField + " " + e.getMessage()));
            return null;
        }
        return new Mailbox(name == null || name.isBlank() ? null : name.strip(), parsed.email());
    }

    /**
     * Reports line breaks and overlength in a subject; true when it is fine. Subjects are one header line:
     * a line break in one would start a header of the caller's choosing.
     */
    static boolean subject(String field, String subject, int maxChars, List<FieldError> errors) {
        boolean ok = true;
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            errors.add(invalid(field, field + " must not contain line breaks"));
            ok = false;
        }
        if (subject.length() > maxChars) {
            errors.add(invalid(field, field + " must be at most " + maxChars + " characters, got " + subject.length()));
            ok = false;
        }
        return ok;
    }

    /** Reports a body over the size limit as payload_too_large. */
    static void bodySize(String field, String body, int maxChars, List<FieldError> errors) {
        if (body != null && body.length() > maxChars) {
            errors.add(new FieldError(ErrorCode.PAYLOAD_TOO_LARGE, field,
                    field + " must be at most " + maxChars + " characters, got " + body.length()));
        }
    }

    /**
     * Reports {@code {{field:slug}}} tokens the message cannot fill at transmission: slugs the table does not
     * have, or any at all when the message is on no record ({@code table} null).
     */
    static void mergeFields(TableInfo table, String field, String template, List<FieldError> errors) {
        for (String slug : MergeFields.slugs(template)) {
            if (table == null) {
                errors.add(invalid(field, field + " uses the merge field {{field:" + slug
                        + "}}, which needs a record (none is given)"));
            } else if (table.field(slug).isEmpty()) {
                errors.add(invalid(field, field + " uses unknown merge field {{field:" + slug + "}} (table "
                        + table.id() + " has no such field)"));
            }
        }
    }

    /** The time to hold a message until: null for now (also for a time already past). */
    static Instant scheduledAt(String field, Instant requested, Instant now, Duration maxAhead,
                               List<FieldError> errors) {
        if (requested == null) {
            return null;
        }
        if (requested.isAfter(now.plus(maxAhead))) {
            errors.add(invalid(field, field + " must be within " + maxAhead.toDays() + " days from now"));
            return null;
        }
        return requested.isAfter(now) ? requested : null;
    }

    static boolean validContentType(String type) {
        if (hasControl(type)) {
            return false;
        }
        try {
            ContentType parsed = new ContentType(type);
            return parsed.getPrimaryType() != null && parsed.getSubType() != null;
        } catch (ParseException e) {
            return false;
        }
    }

    /** True for any C0 control character except TAB, and for DEL. */
    static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** True when the value has no line break or other control character, TAB included. */
    static boolean oneLine(String value) {
        return value.chars().noneMatch(Character::isISOControl);
    }
}
