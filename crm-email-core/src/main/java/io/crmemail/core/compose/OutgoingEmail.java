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
 * @param replyTo     Reply-To mailboxes, may be empty
 * @param subject     rendered subject
 * @param html        complete HTML document, null for a text-only message
 * @param text        plain text; null to derive it from {@code html}
 * @param attachments files streamed from the attachment store
 * @param inReplyTo   the In-Reply-To Message-ID(s), space separated, null for none
 * @param references  the References Message-IDs, space separated, null for none
 * @param headers     custom headers, in order (see {@link ExtraHeaders} for what is refused)
 * @param date        the Date header; null means the time of composing
 */
public record OutgoingEmail(
        String messageId,
        Mailbox from,
        List<Mailbox> to,
        List<Mailbox> cc,
        List<Mailbox> replyTo,
        String subject,
        String html,
        String text,
        List<AttachmentRef> attachments,
        String inReplyTo,
        String references,
        Map<String, String> headers,
        Instant date) {

    public OutgoingEmail {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        replyTo = replyTo == null ? List.of() : List.copyOf(replyTo);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        // Map.copyOf would lose the order the caller gave.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
