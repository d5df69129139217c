package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.crmemail.core.MessageRequest;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code POST /api/v1/emails/send} (and of each batch entry), in the v1 snake_case. A few
 * spellings of neighbouring APIs are accepted as aliases ({@code body_html}, {@code threadId}, …); anything
 * else unknown is refused, so a misspelt field never silently drops content.
 */
record V1SendBody(
        String from,
        @JsonProperty("integration_id") @JsonAlias("integrationId") Long integrationId,
        @JsonDeserialize(using = StringOrList.class) List<String> to,
        @JsonDeserialize(using = StringOrList.class) List<String> cc,
        @JsonDeserialize(using = StringOrList.class) List<String> bcc,
        @JsonProperty("reply_to") @JsonAlias("replyTo") @JsonDeserialize(using = StringOrList.class) List<String> replyTo,
        String subject,
        @JsonAlias({"body_html", "html_body"}) String html,
        @JsonAlias({"body_text", "text_body"}) String text,
        @JsonProperty("template_id") @JsonAlias("templateId") Long templateId,
        Map<String, JsonNode> variables,
        @JsonProperty("scheduled_at") @JsonAlias("scheduledAt") String scheduledAt,
        @JsonProperty("thread_id") @JsonAlias("threadId") String threadId,
        @JsonProperty("in_reply_to") @JsonAlias("inReplyTo") String inReplyTo,
        String references,
        V1Record record,
        @JsonProperty("contact_id") @JsonAlias("contactId") String contactId,
        @JsonProperty("deal_id") @JsonAlias("dealId") String dealId,
        List<V1Attachment> attachments,
        Map<String, String> headers,
        List<String> tags,
        Map<String, JsonNode> metadata,
        @JsonProperty("track_opens") Boolean trackOpens,
        @JsonProperty("track_clicks") Boolean trackClicks,
        @JsonProperty("list_unsubscribe") @JsonAlias("listUnsubscribe") Boolean listUnsubscribe,
        @JsonProperty("is_internal") @JsonAlias("isInternal") Boolean isInternal,
        @JsonProperty("wait") Boolean waitForAttempt) {

    /** {@code {table_id, record_id}}. */
    record V1Record(@JsonProperty("table_id") Long tableId, @JsonProperty("record_id") Long recordId) {
    }

    /** One attachment: a file uploaded before ({@code storage_key}) or inline base64. */
    record V1Attachment(
            String filename,
            @JsonProperty("content_type") @JsonAlias({"mime_type", "contentType"}) String contentType,
            @JsonProperty("content_base64") @JsonAlias("contentBase64") String contentBase64,
            @JsonProperty("storage_key") @JsonAlias({"storageKey", "storage_path"}) String storageKey) {
    }

    /** The body with other recipients and variables: one entry of a template batch. */
    V1SendBody forRecipient(List<String> recipients, Map<String, JsonNode> vars) {
        return new V1SendBody(from, integrationId, recipients, cc, bcc, replyTo, subject, html, text, templateId,
                vars, scheduledAt, threadId, inReplyTo, references, record, contactId, dealId, attachments, headers,
                tags, metadata, trackOpens, trackClicks, listUnsubscribe, isInternal, waitForAttempt);
    }

    /** The body with more attachments (files of a multipart request). */
    V1SendBody withAttachments(List<V1Attachment> more) {
        List<V1Attachment> all = new ArrayList<>(attachments == null ? List.of() : attachments);
        all.addAll(more);
        return new V1SendBody(from, integrationId, to, cc, bcc, replyTo, subject, html, text, templateId, variables,
                scheduledAt, threadId, inReplyTo, references, record, contactId, dealId, all, headers, tags,
                metadata, trackOpens, trackClicks, listUnsubscribe, isInternal, waitForAttempt);
    }

    boolean waits() {
        return Boolean.TRUE.equals(waitForAttempt);
    }

    /**
     * The core request. Checks only what JSON decides (types, base64, {@code is_internal}); the core validates
     * the rest and names the same fields.
     */
    MessageRequest toRequest() {
        if (Boolean.TRUE.equals(isInternal)) {
            throw ApiException.validation("is_internal",
                    "is_internal must be false or omitted: internal notes are not sent as email");
        }
        Mailbox sender = null;
        if (from != null) {
            try {
                sender = Mailbox.parse(from);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("from", "from " + e.getMessage());
            }
        }
        RecordRef on = null;
        if (record != null) {
            if (record.tableId() == null || record.recordId() == null) {
                throw ApiException.validation(record.tableId() == null ? "record.table_id" : "record.record_id",
                        "record needs both table_id and record_id");
            }
            on = new RecordRef(record.tableId(), record.recordId());
        }
        return new MessageRequest(sender, integrationId, to, cc, bcc, replyTo, subject, html, text, templateId,
                scalars("variables", variables), V1Times.parse("scheduled_at", scheduledAt), threadId, inReplyTo,
                references, on, contactId, dealId, coreAttachments(), headers, tags, scalars("metadata", metadata),
                trackOpens, trackClicks, listUnsubscribe);
    }

    private List<MessageRequest.Attachment> coreAttachments() {
        if (attachments == null) {
            return List.of();
        }
        List<MessageRequest.Attachment> out = new ArrayList<>(attachments.size());
        for (int i = 0; i < attachments.size(); i++) {
            V1Attachment a = attachments.get(i);
            if (a == null) {
                throw ApiException.validation("attachments[" + i + "]", "attachments[" + i + "] must be an object");
            }
            byte[] content = null;
            if (a.contentBase64() != null) {
                try {
                    // Line breaks are fine (MIME-style base64); anything else outside the alphabet is an error, not skipped.
                    content = Base64.getDecoder().decode(a.contentBase64().replaceAll("[\\r\\n\\t ]", ""));
                } catch (IllegalArgumentException e) {
                    throw ApiException.validation("attachments[" + i + "].content_base64",
                            "attachments[" + i + "].content_base64 is not valid base64");
                }
            }
            out.add(new MessageRequest.Attachment(a.filename(), a.contentType(), a.storageKey(), content));
        }
        return out;
    }

    /** Variables and metadata take strings, numbers and booleans; nested objects would be ambiguous. */
    private static Map<String, String> scalars(String field, Map<String, JsonNode> values) {
        if (values == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            JsonNode v = e.getValue();
            if (v == null || v.isNull()) {
                out.put(e.getKey(), null);
            } else if (v.isValueNode()) {
                out.put(e.getKey(), v.asText());
            } else {
                throw ApiException.validation(field + "." + e.getKey(),
                        field + "." + e.getKey() + " must be a string, number or boolean");
            }
        }
        return out;
    }
}
