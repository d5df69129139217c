package io.crmemail.core;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.compose.HtmlSanitizer;
import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.store.EmailStore;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link SendRequest} field by field. Lookups that later checks depend on (table, record)
 * fail fast; everything else is collected so the caller sees every problem at once.
 */
final class SendValidator {

    /** A request that passed: the resolved objects and normalised values to store. */
    record ValidSend(TableInfo table, long recordId, SmtpIntegration integration, Signature signature, Mailbox from,
                     List<String> to, List<String> cc, List<String> bcc, String subject, String body,
                     List<AttachmentRef> attachments, Instant scheduledAt) {
    }

    private final RecordDirectory records;
    private final EmailStore store;
    private final AttachmentStore attachmentStore;
    private final Limits limits;
    private final Clock clock;

    SendValidator(RecordDirectory records, EmailStore store, AttachmentStore attachmentStore, Limits limits,
                  Clock clock) {
        this.records = records;
        this.store = store;
        this.attachmentStore = attachmentStore;
        this.limits = limits;
        this.clock = clock;
    }

    ValidSend validate(Caller caller, SendRequest request) {
        TableInfo table = RecordLookup.table(records, caller, request.tableId());
        RecordLookup.record(records, caller, table, request.recordId());

        List<FieldError> errors = new ArrayList<>();
        SmtpIntegration integration = integration(caller, request.smtpIntegrationId(), errors);
        Mailbox from = from(request.fromIdentity(), integration, errors);
        List<String> to = recipients("to", request.to(), errors);
        List<String> cc = recipients("cc", request.cc(), errors);
        List<String> bcc = recipients("bcc", request.bcc(), errors);
        if (request.to().isEmpty()) {
            errors.add(invalid("to", "to must name at least one recipient"));
        }
        int recipientCount = request.to().size() + request.cc().size() + request.bcc().size();
        if (recipientCount > limits.maxRecipients()) {
            errors.add(invalid("to", "at most " + limits.maxRecipients() + " recipients (to, cc and bcc together)"
                    + " are allowed, got " + recipientCount));
        }
        String subject = request.subject() == null ? "" : request.subject();
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            errors.add(invalid("subject", "subject must not contain line breaks"));
        }
        if (subject.length() > limits.maxSubjectChars()) {
            errors.add(invalid("subject", "subject must be at most " + limits.maxSubjectChars()
                    + " characters, got " + subject.length()));
        }
        String body = request.body() == null ? "" : request.body();
        if (body.length() > limits.maxBodyChars()) {
            errors.add(new FieldError(ErrorCode.PAYLOAD_TOO_LARGE, "body",
                    "body must be at most " + limits.maxBodyChars() + " characters, got " + body.length()));
        }
        unknownMergeFields(table, "subject", subject, errors);
        unknownMergeFields(table, "body", body, errors);
        Signature signature = signature(caller, request.signatureId(), errors);
        List<AttachmentRef> attachments = attachments(table, request.attachments(), errors);
        Instant scheduledAt = scheduledAt(request.scheduledAt(), errors);

        if (!errors.isEmpty()) {
            throw new EmailException(errors);
        }
        return new ValidSend(table, request.recordId(), integration, signature, from, to, cc, bcc, subject,
                // Other users see the body on the record's timeline: no scripts or handlers get stored.
                HtmlSanitizer.sanitize(body), attachments,
                scheduledAt);
    }

    private SmtpIntegration integration(Caller caller, Long id, List<FieldError> errors) {
        if (id == null) {
            errors.add(invalid("smtpIntegrationId", "smtpIntegrationId is required"));
            return null;
        }
        SmtpIntegration integration = store.findIntegration(id)
                .filter(i -> i.accountId() == caller.accountId())
                .orElse(null);
        if (integration == null) {
            errors.add(invalid("smtpIntegrationId", "unknown SMTP integration " + id));
        }
        return integration;
    }

    private Mailbox from(Mailbox given, SmtpIntegration integration, List<FieldError> errors) {
        if (given == null || given.email() == null || given.email().isBlank()) {
            errors.add(invalid("fromIdentity.email", "fromIdentity.email is required"));
            return null;
        }
        String name = given.name();
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            errors.add(invalid("fromIdentity.name",
                    "fromIdentity.name must not contain line breaks or other control characters"));
            return null;
        }
        Mailbox parsed;
        try {
            parsed = Mailbox.parse(given.email());
        } catch (IllegalArgumentException e) {
            errors.add(invalid("fromIdentity.email", "fromIdentity.email " + e.getMessage()));
            return null;
        }
        if (integration != null && !integration.allowsFromDomain(parsed.domain())) {
            errors.add(invalid("fromIdentity.email", "the domain " + parsed.domain()
                    + " is not one of the SMTP integration's fromDomains " + integration.fromDomains()));
        }
        return new Mailbox(name == null || name.isBlank() ? null : name.strip(), parsed.email());
    }

    private static List<String> recipients(String field, List<String> given, List<FieldError> errors) {
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

    private static void unknownMergeFields(TableInfo table, String field, String template, List<FieldError> errors) {
        for (String slug : MergeFields.slugs(template)) {
            if (table.field(slug).isEmpty()) {
                errors.add(invalid(field, field + " uses unknown merge field {{field:" + slug + "}} (table "
                        + table.id() + " has no such field)"));
            }
        }
    }

    private Signature signature(Caller caller, Long id, List<FieldError> errors) {
        if (id == null) {
            return null;
        }
        Signature signature = store.findSignature(id)
                .filter(s -> s.accountId() == caller.accountId() && s.userId() == caller.userId())
                .orElse(null);
        if (signature == null) {
            errors.add(invalid("signatureId", "unknown signature " + id));
        }
        return signature;
    }

    private List<AttachmentRef> attachments(TableInfo table, List<AttachmentRef> given, List<FieldError> errors) {
        if (given.size() > limits.maxAttachments()) {
            errors.add(invalid("attachments", "at most " + limits.maxAttachments() + " attachments are allowed, got "
                    + given.size()));
            return List.of();
        }
        List<AttachmentRef> accepted = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < given.size(); i++) {
            String field = "attachments[" + i + "]";
            AttachmentRef ref = given.get(i);
            if (ref == null) {
                errors.add(invalid(field, field + " must be an object"));
                continue;
            }
            String path = ref.path();
            String problem = AttachmentPaths.problem(path, table);
            if (problem == null && !attachmentStore.exists(path)) {
                problem = "does not exist: " + path;
            }
            if (problem != null) {
                errors.add(invalid(field + ".path", field + ".path " + problem));
                continue;
            }
            String name = ref.name() == null || ref.name().isBlank() ? AttachmentPaths.fileName(path) : ref.name();
            if (hasControl(name)) {
                errors.add(invalid(field + ".name", field + ".name must not contain line breaks or control characters"));
                continue;
            }
            String type = ref.type() == null || ref.type().isBlank() ? "application/octet-stream" : ref.type().strip();
            if (!validContentType(type)) {
                errors.add(invalid(field + ".type", field + ".type is not a valid content type: " + type));
                continue;
            }
            long size;
            try {
                size = attachmentStore.size(path);
            } catch (IOException e) {
                errors.add(invalid(field + ".path", field + ".path cannot be read: " + path));
                continue;
            }
            total += size;
            accepted.add(new AttachmentRef(name, path, type, size, ref.host()));
        }
        if (total > limits.maxAttachmentBytes()) {
            errors.add(new FieldError(ErrorCode.PAYLOAD_TOO_LARGE, "attachments",
                    "attachments total " + total + " bytes, more than the limit of " + limits.maxAttachmentBytes()));
        }
        return accepted;
    }

    private Instant scheduledAt(Instant requested, List<FieldError> errors) {
        if (requested == null) {
            return null;
        }
        Instant now = clock.instant();
        if (requested.isAfter(now.plus(limits.maxScheduleAhead()))) {
            errors.add(invalid("scheduledAt", "scheduledAt must be within " + limits.maxScheduleAhead().toDays()
                    + " days from now"));
            return null;
        }
        return requested.isAfter(now) ? requested : null;
    }

    private static boolean validContentType(String type) {
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

    static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static FieldError invalid(String field, String message) {
        return new FieldError(ErrorCode.VALIDATION_ERROR, field, message);
    }
}
