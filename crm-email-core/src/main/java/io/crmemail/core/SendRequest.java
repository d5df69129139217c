package io.crmemail.core;

import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.Mailbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/email/send}: send an email from a record. Ids are boxed because a JSON
 * request may omit them; the service reports a missing one as a validation error naming the field.
 *
 * @param tableId           the record's table
 * @param recordId          the record
 * @param smtpIntegrationId integration to send through (must belong to the caller's account)
 * @param fromIdentity      sender; its domain must be one of the integration's fromDomains
 * @param to                recipients (RFC 5322, e.g. {@code Jane <jane@example.org>}), at least one
 * @param cc                carbon copies, may be empty
 * @param bcc               blind carbon copies, may be empty
 * @param subject           may contain {@code {{field:slug}}}
 * @param body              HTML, may contain {@code {{field:slug}}}
 * @param signatureId       one of the caller's signatures, or null
 * @param attachments       already uploaded files under {@code {spaceId}-{tableId}-}
 * @param scheduledAt       send no earlier than this; null to send now
 */
public record SendRequest(
        Long tableId,
        Long recordId,
        Long smtpIntegrationId,
        Mailbox fromIdentity,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String body,
        Long signatureId,
        List<AttachmentRef> attachments,
        Instant scheduledAt) {

    public SendRequest {
        to = to == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(to));
        cc = cc == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(cc));
        bcc = bcc == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(bcc));
        attachments = attachments == null ? List.of()
                : java.util.Collections.unmodifiableList(new ArrayList<>(attachments));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder: {@code SendRequest.builder().record(1, 456).integration(7).from("Sales", "s@acme.com")…}. */
    public static final class Builder {
        private Long tableId;
        private Long recordId;
        private Long smtpIntegrationId;
        private Mailbox fromIdentity;
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private final List<String> bcc = new ArrayList<>();
        private String subject;
        private String body;
        private Long signatureId;
        private final List<AttachmentRef> attachments = new ArrayList<>();
        private Instant scheduledAt;

        public Builder record(long table, long record) { tableId = table; recordId = record; return this; }
        public Builder integration(long id) { smtpIntegrationId = id; return this; }
        public Builder from(String name, String email) { fromIdentity = new Mailbox(name, email); return this; }
        public Builder from(Mailbox mailbox) { fromIdentity = mailbox; return this; }
        public Builder to(String... addresses) { to.addAll(List.of(addresses)); return this; }
        public Builder cc(String... addresses) { cc.addAll(List.of(addresses)); return this; }
        public Builder bcc(String... addresses) { bcc.addAll(List.of(addresses)); return this; }
        public Builder subject(String text) { subject = text; return this; }
        public Builder body(String html) { body = html; return this; }
        public Builder signature(Long id) { signatureId = id; return this; }
        public Builder attach(AttachmentRef attachment) { attachments.add(attachment); return this; }
        public Builder scheduledAt(Instant at) { scheduledAt = at; return this; }

        public SendRequest build() {
            return new SendRequest(tableId, recordId, smtpIntegrationId, fromIdentity, to, cc, bcc, subject, body,
                    signatureId, attachments, scheduledAt);
        }
    }
}
