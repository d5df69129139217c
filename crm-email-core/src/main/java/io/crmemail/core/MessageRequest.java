package io.crmemail.core;

import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message for the {@code /api/v1} surface: sent from a mailbox of the account, optionally on a record's
 * timeline, in a conversation, from a template. Field errors name the wire (snake_case) fields, e.g.
 * {@code to[1]}, {@code template_id}. Everything optional may be null.
 *
 * @param from          sender; its address picks the account's integration (by identity, then by domain)
 * @param integrationId send through this integration instead
 * @param to            recipients, RFC 5322 ({@code Jane <jane@example.org>} or bare), at least one
 * @param cc            carbon copies
 * @param bcc           blind carbon copies
 * @param replyTo       Reply-To addresses
 * @param subject       at most 998 characters; null → the thread's subject on a reply, else "(no subject)"
 * @param html          HTML body
 * @param text          plain-text body; with {@code html} the message is multipart/alternative
 * @param templateId    render subject/html/text from this template instead
 * @param variables     values for {@code {{name}}} in the content (HTML-escaped in HTML)
 * @param scheduledAt   send no earlier than this (within the configured horizon)
 * @param threadId      continue this conversation: In-Reply-To/References come from its latest message
 * @param inReplyTo     In-Reply-To header (a Message-ID with angle brackets)
 * @param references    References header (Message-IDs separated by spaces)
 * @param record        the record whose timeline also shows the message
 * @param contactId     a generic link, stored as given
 * @param dealId        a generic link, stored as given
 * @param attachments   files, uploaded before ({@code storageKey}) or inline ({@code content})
 * @param headers       custom headers ({@code X-…} and a few others), validated
 * @param tags          labels for filtering
 * @param metadata      the caller's own key/value pairs
 * @param trackOpens    embed the open pixel (default true)
 * @param trackClicks   rewrite links for click tracking (default true)
 * @param listUnsubscribe one-click {@code List-Unsubscribe} (RFC 8058) for a message with exactly one recipient;
 *                      null: the integration's {@code listUnsubscribe} decides
 */
public record MessageRequest(
        Mailbox from,
        Long integrationId,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        List<String> replyTo,
        String subject,
        String html,
        String text,
        Long templateId,
        Map<String, String> variables,
        Instant scheduledAt,
        String threadId,
        String inReplyTo,
        String references,
        RecordRef record,
        String contactId,
        String dealId,
        List<Attachment> attachments,
        Map<String, String> headers,
        List<String> tags,
        Map<String, String> metadata,
        Boolean trackOpens,
        Boolean trackClicks,
        Boolean listUnsubscribe) {

    /**
     * A file to attach: either {@code storageKey} (from an upload) or {@code content} (bytes given inline).
     *
     * @param filename    the name shown to recipients; defaults to the upload's name
     * @param contentType MIME type; defaults to a guess from the file name
     * @param storageKey  an upload's key
     * @param content     the bytes (small files only: JSON bodies are capped)
     */
    public record Attachment(String filename, String contentType, String storageKey, byte[] content) {
    }

    public MessageRequest {
        to = copy(to);
        cc = copy(cc);
        bcc = copy(bcc);
        replyTo = copy(replyTo);
        attachments = copy(attachments);
        tags = copy(tags);
        variables = copy(variables);
        headers = copy(headers);
        metadata = copy(metadata);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy with other variables (one batch entry of a template send). */
    public MessageRequest withTo(List<String> recipients, Map<String, String> vars) {
        return new MessageRequest(from, integrationId, recipients, cc, bcc, replyTo, subject, html, text, templateId,
                vars, scheduledAt, threadId, inReplyTo, references, record, contactId, dealId, attachments, headers,
                tags, metadata, trackOpens, trackClicks, listUnsubscribe);
    }

    private static <T> List<T> copy(List<T> list) {
        // Nulls inside are kept so that validation can name the entry at fault.
        return list == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Fluent builder: {@code MessageRequest.builder().from("Acme <hello@acme.com>").to("jane@example.org")…}. */
    public static final class Builder {
        private Mailbox from;
        private Long integrationId;
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private final List<String> bcc = new ArrayList<>();
        private final List<String> replyTo = new ArrayList<>();
        private String subject;
        private String html;
        private String text;
        private Long templateId;
        private final Map<String, String> variables = new LinkedHashMap<>();
        private Instant scheduledAt;
        private String threadId;
        private String inReplyTo;
        private String references;
        private RecordRef record;
        private String contactId;
        private String dealId;
        private final List<Attachment> attachments = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> tags = new ArrayList<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Boolean trackOpens;
        private Boolean trackClicks;
        private Boolean listUnsubscribe;

        /** The sender, {@code "Name <address>"} or a bare address. */
        public Builder from(String address) { from = address == null ? null : Mailbox.parse(address); return this; }
        public Builder from(Mailbox mailbox) { from = mailbox; return this; }
        public Builder integration(long id) { integrationId = id; return this; }
        public Builder to(String... addresses) { to.addAll(List.of(addresses)); return this; }
        public Builder cc(String... addresses) { cc.addAll(List.of(addresses)); return this; }
        public Builder bcc(String... addresses) { bcc.addAll(List.of(addresses)); return this; }
        public Builder replyTo(String... addresses) { replyTo.addAll(List.of(addresses)); return this; }
        public Builder subject(String v) { subject = v; return this; }
        public Builder html(String v) { html = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder template(long id) { templateId = id; return this; }
        public Builder variable(String name, String value) { variables.put(name, value); return this; }
        public Builder scheduledAt(Instant v) { scheduledAt = v; return this; }
        public Builder thread(String id) { threadId = id; return this; }
        public Builder inReplyTo(String v) { inReplyTo = v; return this; }
        public Builder references(String v) { references = v; return this; }
        public Builder record(long tableId, long recordId) { record = new RecordRef(tableId, recordId); return this; }
        public Builder contact(String id) { contactId = id; return this; }
        public Builder deal(String id) { dealId = id; return this; }
        public Builder attach(Attachment a) { attachments.add(a); return this; }
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        public Builder tag(String... t) { tags.addAll(List.of(t)); return this; }
        public Builder metadata(String key, String value) { metadata.put(key, value); return this; }
        public Builder trackOpens(boolean v) { trackOpens = v; return this; }
        public Builder trackClicks(boolean v) { trackClicks = v; return this; }
        /** Overrides the integration's one-click unsubscribe setting for this message. */
        public Builder listUnsubscribe(boolean v) { listUnsubscribe = v; return this; }

        public MessageRequest build() {
            return new MessageRequest(from, integrationId, to, cc, bcc, replyTo, subject, html, text, templateId,
                    variables, scheduledAt, threadId, inReplyTo, references, record, contactId, dealId, attachments,
                    headers, tags, metadata, trackOpens, trackClicks, listUnsubscribe);
        }
    }
}
