package io.crmemail.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the CRM surface shows in a comment's {@code metadata}. For {@code email_out}: what was
 * asked for (templates as written, merged only at transmission) and what happened since. For
 * {@code email_in}: what arrived ({@code fromIdentity}, {@code to}, {@code cc}, {@code subject}, {@code body}
 * as sanitised HTML, {@code text}, {@code replyText}, {@code messageId}, {@code receivedAt}, attachments).
 *
 * @param status            current status
 * @param smtpIntegrationId integration the message goes out through
 * @param fromIdentity      sender
 * @param to                recipients as given (RFC 5322 form)
 * @param cc                carbon copies
 * @param bcc               blind carbon copies (never written to headers)
 * @param subject           subject template, may contain {@code {{field:slug}}}
 * @param body              HTML body template, may contain {@code {{field:slug}}}
 * @param signatureId       signature chosen by the sender, may be null
 * @param signatureHtml     the signature's sanitised HTML as it was when the message was accepted
 * @param attachments       files to attach
 * @param messageId         the RFC 5322 Message-ID, fixed at acceptance so retries keep it
 * @param scheduledAt       earliest transmission time, null for "now"
 * @param attempts          transmission attempts so far
 * @param nextAttemptAt     when the next attempt is due (null once final)
 * @param sentAt            when the server accepted it
 * @param readAt            first pixel hit
 * @param bouncedAt         when it bounced
 * @param droppedAt         when it was given up
 * @param cancelledAt       when it was cancelled
 * @param repliedAt         first reply received
 * @param smtpResponse      the server's last reply line
 * @param error             the reason of the last failure (retry, bounce or drop)
 * @param recipients        per-recipient outcome of the accepted transmission
 * @param text              inbound: the plain-text body (full, with quoted history); outbound: the plain-text
 *                          alternative as given (null: derived from {@code body}; a text-only message has no body)
 * @param replyText         inbound: the reply without the quoted history
 * @param inReplyTo         the In-Reply-To header (inbound as received; outbound when replying)
 * @param references        the References header
 * @param receivedAt        inbound: when it arrived
 * @param autoReply         inbound: an auto-reply (out of office, auto-submitted), stored but flagged
 * @param renderedSubject   outbound: the subject as it went out, merged against the record at transmission
 * @param replyTo           outbound: Reply-To addresses asked for (the reply token address wins when set up)
 * @param headers           outbound: custom headers, validated, in order
 * @param tags              labels for filtering
 * @param clientMetadata    the caller's own key/value pairs, returned as given
 * @param threadId          the conversation this message belongs to (inbound replies join their parent's)
 * @param contactId         a generic link to the host's contact, as given
 * @param dealId            a generic link to the host's deal, as given
 * @param templateId        the template the content was rendered from, if any
 * @param deliveredAt       a delivery report (DSN "delivered") arrived
 * @param firstOpenedAt     first open by a person (automated opens do not count)
 * @param firstClickedAt    first click by a person (automated clicks do not count)
 */
public record EmailMetadata(
        EmailStatus status,
        Long smtpIntegrationId,
        Mailbox fromIdentity,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String body,
        Long signatureId,
        String signatureHtml,
        List<AttachmentRef> attachments,
        String messageId,
        Instant scheduledAt,
        int attempts,
        Instant nextAttemptAt,
        Instant sentAt,
        Instant readAt,
        Instant bouncedAt,
        Instant droppedAt,
        Instant cancelledAt,
        Instant repliedAt,
        String smtpResponse,
        String error,
        List<RecipientResult> recipients,
        String text,
        String replyText,
        String inReplyTo,
        String references,
        Instant receivedAt,
        boolean autoReply,
        String renderedSubject,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> replyTo,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> headers,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> clientMetadata,
        String threadId,
        String contactId,
        String dealId,
        Long templateId,
        Instant deliveredAt,
        Instant firstOpenedAt,
        Instant firstClickedAt) {

    public EmailMetadata {
        to = List.copyOf(to == null ? List.of() : to);
        cc = List.copyOf(cc == null ? List.of() : cc);
        bcc = List.copyOf(bcc == null ? List.of() : bcc);
        attachments = List.copyOf(attachments == null ? List.of() : attachments);
        recipients = List.copyOf(recipients == null ? List.of() : recipients);
        replyTo = List.copyOf(replyTo == null ? List.of() : replyTo);
        // Header order is kept: Map.copyOf would lose it.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        tags = List.copyOf(tags == null ? List.of() : tags);
        clientMetadata = clientMetadata == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(clientMetadata));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(null);
    }

    /** Builds a changed copy; fields not set keep their values. */
    public static final class Builder {
        private EmailStatus status;
        private Long smtpIntegrationId;
        private Mailbox fromIdentity;
        private List<String> to;
        private List<String> cc;
        private List<String> bcc;
        private String subject;
        private String body;
        private Long signatureId;
        private String signatureHtml;
        private List<AttachmentRef> attachments;
        private String messageId;
        private Instant scheduledAt;
        private int attempts;
        private Instant nextAttemptAt;
        private Instant sentAt;
        private Instant readAt;
        private Instant bouncedAt;
        private Instant droppedAt;
        private Instant cancelledAt;
        private Instant repliedAt;
        private String smtpResponse;
        private String error;
        private List<RecipientResult> recipients;
        private String text;
        private String replyText;
        private String inReplyTo;
        private String references;
        private Instant receivedAt;
        private boolean autoReply;
        private String renderedSubject;
        private List<String> replyTo;
        private Map<String, String> headers;
        private List<String> tags;
        private Map<String, String> clientMetadata;
        private String threadId;
        private String contactId;
        private String dealId;
        private Long templateId;
        private Instant deliveredAt;
        private Instant firstOpenedAt;
        private Instant firstClickedAt;

        private Builder(EmailMetadata m) {
            if (m == null) {
                return;
            }
            status = m.status;
            smtpIntegrationId = m.smtpIntegrationId;
            fromIdentity = m.fromIdentity;
            to = m.to;
            cc = m.cc;
            bcc = m.bcc;
            subject = m.subject;
            body = m.body;
            signatureId = m.signatureId;
            signatureHtml = m.signatureHtml;
            attachments = m.attachments;
            messageId = m.messageId;
            scheduledAt = m.scheduledAt;
            attempts = m.attempts;
            nextAttemptAt = m.nextAttemptAt;
            sentAt = m.sentAt;
            readAt = m.readAt;
            bouncedAt = m.bouncedAt;
            droppedAt = m.droppedAt;
            cancelledAt = m.cancelledAt;
            repliedAt = m.repliedAt;
            smtpResponse = m.smtpResponse;
            error = m.error;
            recipients = m.recipients;
            text = m.text;
            replyText = m.replyText;
            inReplyTo = m.inReplyTo;
            references = m.references;
            receivedAt = m.receivedAt;
            autoReply = m.autoReply;
            renderedSubject = m.renderedSubject;
            replyTo = m.replyTo;
            headers = m.headers;
            tags = m.tags;
            clientMetadata = m.clientMetadata;
            threadId = m.threadId;
            contactId = m.contactId;
            dealId = m.dealId;
            templateId = m.templateId;
            deliveredAt = m.deliveredAt;
            firstOpenedAt = m.firstOpenedAt;
            firstClickedAt = m.firstClickedAt;
        }

        public Builder status(EmailStatus v) { status = v; return this; }
        public Builder smtpIntegrationId(Long v) { smtpIntegrationId = v; return this; }
        public Builder fromIdentity(Mailbox v) { fromIdentity = v; return this; }
        public Builder to(List<String> v) { to = v; return this; }
        public Builder cc(List<String> v) { cc = v; return this; }
        public Builder bcc(List<String> v) { bcc = v; return this; }
        public Builder subject(String v) { subject = v; return this; }
        public Builder body(String v) { body = v; return this; }
        public Builder signatureId(Long v) { signatureId = v; return this; }
        public Builder signatureHtml(String v) { signatureHtml = v; return this; }
        public Builder attachments(List<AttachmentRef> v) { attachments = v; return this; }
        public Builder messageId(String v) { messageId = v; return this; }
        public Builder scheduledAt(Instant v) { scheduledAt = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder nextAttemptAt(Instant v) { nextAttemptAt = v; return this; }
        public Builder sentAt(Instant v) { sentAt = v; return this; }
        public Builder readAt(Instant v) { readAt = v; return this; }
        public Builder bouncedAt(Instant v) { bouncedAt = v; return this; }
        public Builder droppedAt(Instant v) { droppedAt = v; return this; }
        public Builder cancelledAt(Instant v) { cancelledAt = v; return this; }
        public Builder repliedAt(Instant v) { repliedAt = v; return this; }
        public Builder smtpResponse(String v) { smtpResponse = v; return this; }
        public Builder error(String v) { error = v; return this; }
        public Builder recipients(List<RecipientResult> v) { recipients = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder replyText(String v) { replyText = v; return this; }
        public Builder inReplyTo(String v) { inReplyTo = v; return this; }
        public Builder references(String v) { references = v; return this; }
        public Builder receivedAt(Instant v) { receivedAt = v; return this; }
        public Builder autoReply(boolean v) { autoReply = v; return this; }
        public Builder renderedSubject(String v) { renderedSubject = v; return this; }
        public Builder replyTo(List<String> v) { replyTo = v; return this; }
        public Builder headers(Map<String, String> v) { headers = v; return this; }
        public Builder tags(List<String> v) { tags = v; return this; }
        public Builder clientMetadata(Map<String, String> v) { clientMetadata = v; return this; }
        public Builder threadId(String v) { threadId = v; return this; }
        public Builder contactId(String v) { contactId = v; return this; }
        public Builder dealId(String v) { dealId = v; return this; }
        public Builder templateId(Long v) { templateId = v; return this; }
        public Builder deliveredAt(Instant v) { deliveredAt = v; return this; }
        public Builder firstOpenedAt(Instant v) { firstOpenedAt = v; return this; }
        public Builder firstClickedAt(Instant v) { firstClickedAt = v; return this; }

        public EmailMetadata build() {
            return new EmailMetadata(status, smtpIntegrationId, fromIdentity, to, cc, bcc, subject, body,
                    signatureId, signatureHtml, attachments, messageId, scheduledAt, attempts, nextAttemptAt,
                    sentAt, readAt, bouncedAt, droppedAt, cancelledAt, repliedAt, smtpResponse, error, recipients, text,
                    replyText, inReplyTo, references, receivedAt, autoReply, renderedSubject, replyTo, headers, tags,
                    clientMetadata, threadId, contactId, dealId, templateId, deliveredAt, firstOpenedAt, firstClickedAt);
        }
    }
}
