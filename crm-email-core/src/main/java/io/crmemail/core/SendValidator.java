package io.crmemail.core;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.compose.HtmlSanitizer;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.store.EmailStore;
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

    Outbound validate(Caller caller, SendRequest request) {
        TableInfo table = RecordLookup.table(records, caller, request.tableId());
        RecordLookup.record(records, caller, table, request.recordId());

        List<FieldError> errors = new ArrayList<>();
        SmtpIntegration integration = integration(caller, request.smtpIntegrationId(), errors);
        Mailbox from = from(request.fromIdentity(), integration, errors);
        List<String> to = FieldChecks.recipients("to", request.to(), errors);
        List<String> cc = FieldChecks.recipients("cc", request.cc(), errors);
        List<String> bcc = FieldChecks.recipients("bcc", request.bcc(), errors);
        if (request.to().isEmpty()) {
            errors.add(invalid("to", "to must name at least one recipient"));
        }
        int recipientCount = request.to().size() + request.cc().size() + request.bcc().size();
        if (recipientCount > limits.maxRecipients()) {
            errors.add(invalid("to", "at most " + limits.maxRecipients() + " recipients (to, cc and bcc together)"
                    + " are allowed, got " + recipientCount));
        }
        String subject = request.subject() == null ? "" : request.subject();
        FieldChecks.subject("subject", subject, limits.maxSubjectChars(), errors);
        String body = request.body() == null ? "" : request.body();
        FieldChecks.bodySize("body", body, limits.maxBodyChars(), errors);
        FieldChecks.mergeFields(table, "subject", subject, errors);
        FieldChecks.mergeFields(table, "body", body, errors);
        Signature signature = signature(caller, request.signatureId(), errors);
        List<AttachmentRef> attachments = attachments(table, request.attachments(), errors);
        Instant scheduledAt = FieldChecks.scheduledAt("scheduledAt", request.scheduledAt(), clock.instant(),
                limits.maxScheduleAhead(), errors);

        if (!errors.isEmpty()) {
            throw new EmailException(errors);
        }
        EmailMetadata content = EmailMetadata.builder()
                .smtpIntegrationId(integration.id())
                .fromIdentity(from)
                .to(to)
                .cc(cc)
                .bcc(bcc)
                .subject(subject)
                // Other users see the body on the record's timeline: no scripts or handlers get stored.
                .body(HtmlSanitizer.sanitize(body))
                .signatureId(signature == null ? null : signature.id())
                .signatureHtml(signature == null ? null : signature.html())
                .attachments(attachments)
                .scheduledAt(scheduledAt)
                .build();
        // The CRM surface tracks opens only: its links go out as written. It has no unsubscribe field: the
        // integration decides.
        return new Outbound(new RecordRef(table.id(), request.recordId()), content, !integration.disablePixel(),
                List.of(), integration.listUnsubscribe());
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

    private static Mailbox from(Mailbox given, SmtpIntegration integration, List<FieldError> errors) {
        Mailbox from = FieldChecks.sender("fromIdentity.email", "fromIdentity.name", given, errors);
        if (from != null && integration != null && !integration.allowsFromDomain(from.domain())) {
            errors.add(invalid("fromIdentity.email", "the domain " + from.domain()
                    + " is not one of the SMTP integration's fromDomains " + integration.fromDomains()));
        }
        return from;
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
        if (!AttachmentChecks.countFits(given.size(), limits, errors)) {
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
            String name = AttachmentChecks.name(field + ".name",
                    ref.name() == null || ref.name().isBlank() ? AttachmentPaths.fileName(path) : ref.name(), errors);
            String type = AttachmentChecks.type(field + ".type", ref.type(), AttachmentChecks.DEFAULT_TYPE, errors);
            if (name == null || type == null) {
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
        AttachmentChecks.totalFits(total, limits, errors);
        return accepted;
    }

    private static FieldError invalid(String field, String message) {
        return FieldChecks.invalid(field, message);
    }
}
