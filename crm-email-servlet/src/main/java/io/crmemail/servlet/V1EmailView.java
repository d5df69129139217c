package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.UnifiedStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A message on the v1 surface ({@code GET /api/v1/emails/{id}}). Timestamps that did not happen yet are
 * {@code null}, not absent, so clients can rely on the keys. {@code conversation_id} is the same value as
 * {@code thread_id}: one conversation per thread here, named both ways for clients of either convention.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record V1EmailView(
        long id,
        String direction,
        String from,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        List<String> replyTo,
        String subject,
        EmailStatus status,
        UnifiedStatus unifiedStatus,
        Instant createdAt,
        Instant scheduledAt,
        Instant sentAt,
        Instant deliveredAt,
        Instant firstOpenedAt,
        Instant readAt,
        Instant firstClickedAt,
        Instant firstRepliedAt,
        Instant bouncedAt,
        Instant droppedAt,
        Instant cancelledAt,
        int attempts,
        String error,
        String threadId,
        String conversationId,
        Long parentId,
        RecordView record,
        String contactId,
        String dealId,
        Long templateId,
        List<String> tags,
        Map<String, String> metadata,
        String messageId,
        List<AttachmentView> attachments) {

    /** {@code {table_id, record_id}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RecordView(long tableId, long recordId) {
    }

    /** As 001 names them: {@code {id, filename, contentType, sizeBytes}}. */
    record AttachmentView(String id, String filename, String contentType, long sizeBytes) {
    }

    static V1EmailView of(EmailMessage m) {
        EmailMetadata md = m.metadata();
        boolean inbound = m.type() == CommentType.EMAIL_IN;
        List<AttachmentView> files = new ArrayList<>();
        for (int i = 0; i < md.attachments().size(); i++) {
            AttachmentRef a = md.attachments().get(i);
            // Attachments live inside the message; their position is their stable identity.
            files.add(new AttachmentView(m.id() + "-" + (i + 1), a.name(), a.type(), a.size()));
        }
        return new V1EmailView(m.id(), inbound ? "inbound" : "outbound",
                md.fromIdentity() == null ? null : md.fromIdentity().toString(), md.to(), md.cc(),
                inbound ? List.of() : md.bcc(), md.replyTo(), subject(md), md.status(), UnifiedStatus.of(m),
                m.createdAt(), md.scheduledAt(), md.sentAt(), md.deliveredAt(), md.firstOpenedAt(), md.readAt(),
                md.firstClickedAt(), md.repliedAt(), md.bouncedAt(), md.droppedAt(), md.cancelledAt(), md.attempts(),
                md.error(), md.threadId(), md.threadId(), m.parentId(),
                m.record().isNone() ? null : new RecordView(m.record().tableId(), m.record().recordId()),
                md.contactId(), md.dealId(), md.templateId(), md.tags(), md.clientMetadata(), md.messageId(), files);
    }

    /** The subject as it went out once it did; before that, as it will be merged. */
    static String subject(EmailMetadata md) {
        return md.renderedSubject() != null ? md.renderedSubject() : md.subject();
    }
}
