package io.crmemail.servlet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.template.Template;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The small v1 shapes besides the email itself. */
final class V1Views {

    private V1Views() {
    }

    /** The answer to a send: {@code {id, status, to, subject, scheduled_at, thread_id, conversation_id}}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Sent(long id, EmailStatus status, List<String> to, String subject, Instant scheduledAt, String threadId,
                String conversationId) {

        static Sent of(EmailMessage m) {
            return new Sent(m.id(), m.status(), m.metadata().to(), V1EmailView.subject(m.metadata()),
                    m.metadata().scheduledAt(), m.metadata().threadId(), m.metadata().threadId());
        }
    }

    /** An event: {@code {id, type, occurred_at, automated, user_agent, ip_address, details}}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Event(long id, EventType type, Instant occurredAt, boolean automated, String userAgent, String ipAddress,
                 Map<String, String> details) {

        static Event of(EmailEvent e) {
            return new Event(e.id(), e.type(), e.occurredAt(), e.automated(), e.userAgent(), e.ipAddress(),
                    e.details());
        }
    }

    /** A conversation: its id (twice, see {@link V1EmailView}), its first subject, its messages in order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Thread(String threadId, String conversationId, String subject, List<V1EmailView> messages) {

        static Thread of(String id, List<EmailMessage> messages) {
            String subject = messages.isEmpty() ? null : V1EmailView.subject(messages.get(0).metadata());
            return new Thread(id, id, subject, messages.stream().map(V1EmailView::of).toList());
        }
    }

    /** A template: {@code {id, name, subject, html, text, created_at, updated_at}}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TemplateView(long id, String name, String subject, String html, String text, Instant createdAt,
                        Instant updatedAt) {

        static TemplateView of(Template t) {
            return new TemplateView(t.id(), t.name(), t.subject(), t.html(), t.text(), t.createdAt(), t.updatedAt());
        }
    }

    /** The body of a template create or update. */
    record TemplateBody(String name, String subject, String html, String text) {
    }

    /** An upload: {@code {storage_key, filename, size, content_type}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Upload(String storageKey, String filename, long size, String contentType) {
    }

    /** What a delete answers: {@code {id, deleted: true}}. */
    record Deleted(long id, boolean deleted) {
    }

    /** A page's meta: {@code {limit, next_cursor}} (null on the last page). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Page(int limit, String nextCursor) {
    }
}
