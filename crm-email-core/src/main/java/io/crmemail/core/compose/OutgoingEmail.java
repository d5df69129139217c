package io.crmemail.core.compose;

import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.Mailbox;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fully rendered message, ready for {@link MimeComposer}. Bcc recipients are deliberately absent:
 * they belong to the SMTP envelope only.
 *
 * @param messageId   full {@code <id@domain>} Message-ID, kept across retries
 * @param from        sender
 * @param to          recipients
 * @param cc          carbon copies
 * @param replyTo     Reply-To mailbox, may be null
 * @param subject     rendered subject
 * @param html        complete HTML document, null for a text-only message
 * @param text        plain text; null to derive it from {@code html}
 * @param attachments files streamed from the attachment store
 * @param headers     extra headers such as In-Reply-To and References, in order
 * @param date        the Date header; null means the time of composing
 */
public record OutgoingEmail(
        String messageId,
        Mailbox from,
        List<Mailbox> to,
        List<Mailbox> cc,
        Mailbox replyTo,
        String subject,
        String html,
        String text,
        List<AttachmentRef> attachments,
        Map<String, String> headers,
        Instant date) {

    public OutgoingEmail {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        // Map.copyOf would lose the order, and In-Reply-To before References reads better.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
