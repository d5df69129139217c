package io.crmemail.core.compose;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.Mailbox;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns an {@link OutgoingEmail} into a MIME message: RFC 2047 encoded headers, a stable Message-ID,
 * text and HTML alternatives with CRLF-only line endings, and attachments streamed from the store.
 */
public final class MimeComposer {

    private static final String UTF_8 = "UTF-8";
    private static final Pattern MESSAGE_ID = Pattern.compile("<[!-;=?-~]+@[!-;=?-~]+>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Session session;
    private final AttachmentStore attachments;

    /**
     * @param session     session whose properties govern MIME writing
     * @param attachments where attachment paths are opened; may be null when no message has attachments
     */
    public MimeComposer(Session session, AttachmentStore attachments) {
        this.session = Objects.requireNonNull(session, "session");
        this.attachments = attachments;
        StreamProviderPin.pin();
    }

    /**
     * Builds the message and calls {@code saveChanges()}; its Message-ID stays {@code email.messageId()}
     * through any later {@code saveChanges()} or {@code writeTo}.
     *
     * @throws IllegalArgumentException when a header-bound value would break the header structure
     */
    public MimeMessage compose(OutgoingEmail email) throws MessagingException {
        Objects.requireNonNull(email, "email");
        String messageId = email.messageId();
        if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
            throw new IllegalArgumentException("messageId must look like <id@domain>: " + messageId);
        }
        Objects.requireNonNull(email.from(), "from");

        MimeMessage message = new StableIdMimeMessage(session, messageId);
        message.setFrom(address(email.from()));
        if (!email.to().isEmpty()) {
            message.setRecipients(Message.RecipientType.TO, addresses(email.to()));
        }
        if (!email.cc().isEmpty()) {
            message.setRecipients(Message.RecipientType.CC, addresses(email.cc()));
        }
        if (!email.replyTo().isEmpty()) {
            message.setReplyTo(addresses(email.replyTo()));
        }
        if (email.subject() != null) {
            requireNoLineBreak("subject", email.subject());
            message.setSubject(email.subject(), UTF_8);
        }
        message.setSentDate(Date.from(email.date() == null ? Instant.now() : email.date()));
        message.setHeader("MIME-Version", "1.0");
        setMessageIds(message, "In-Reply-To", email.inReplyTo());
        setMessageIds(message, "References", email.references());
        for (Map.Entry<String, String> header : email.headers().entrySet()) {
            addExtraHeader(message, header.getKey(), header.getValue());
        }

        setBody(message, email);
        message.saveChanges();
        return message;
    }

    private void setBody(MimeMessage message, OutgoingEmail email) throws MessagingException {
        String html = email.html();
        String text = email.text() != null ? email.text() : html != null ? HtmlToText.convert(html) : "";
        List<AttachmentRef> refs = email.attachments();

        if (html == null && refs.isEmpty()) {
            setTextContent(message, text, "plain");
            return;
        }
        MimeBodyPart body = new MimeBodyPart();
        if (html == null) {
            setTextContent(body, text, "plain");
        } else {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart textPart = new MimeBodyPart();
            setTextContent(textPart, text, "plain");
            alternative.addBodyPart(textPart);
            MimeBodyPart htmlPart = new MimeBodyPart();
            setTextContent(htmlPart, html, "html");
            alternative.addBodyPart(htmlPart);
            if (refs.isEmpty()) {
                message.setContent(alternative);
                return;
            }
            body.setContent(alternative);
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        for (AttachmentRef ref : refs) {
            mixed.addBodyPart(attachmentPart(ref));
        }
        message.setContent(mixed);
    }

    /**
     * Every line ending becomes {@code \n}, which the quoted-printable encoder writes as CRLF, so no
     * bare CR or LF reaches the wire (SMTP smuggling). The explicit encoding also spares a content scan.
     */
    private static void setTextContent(MimePart part, String content, String subtype) throws MessagingException {
        String normalised = content.replace("\r\n", "\n").replace('\r', '\n');
        part.setText(normalised, UTF_8, subtype);
        // setText drops content headers, so the encoding must be set afterwards.
        part.setHeader("Content-Transfer-Encoding", "quoted-printable");
    }

    private MimeBodyPart attachmentPart(AttachmentRef ref) throws MessagingException {
        if (attachments == null) {
            throw new IllegalStateException("no AttachmentStore configured, cannot attach " + ref.path());
        }
        return AttachmentParts.create(attachments, ref);
    }

    /** A space-separated list of Message-IDs, each checked, folded where the line would grow too long. */
    private static void setMessageIds(MimeMessage message, String name, String ids) throws MessagingException {
        if (ids == null || ids.isBlank()) {
            return;
        }
        String normalised = String.join(" ", WHITESPACE.split(ids.strip()));
        for (String id : normalised.split(" ")) {
            if (!MESSAGE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(name + " must hold Message-IDs like <id@domain>: " + id);
            }
        }
        message.setHeader(name, MimeUtility.fold(name.length() + 2, normalised));
    }

    private static void addExtraHeader(MimeMessage message, String name, String value) throws MessagingException {
        ExtraHeaders.check(name, value);
        String ascii = isAscii(value) ? value : encodeText(value);
        message.addHeader(name, MimeUtility.fold(name.length() + 2, ascii));
    }

    private static InternetAddress[] addresses(List<Mailbox> mailboxes) {
        InternetAddress[] out = new InternetAddress[mailboxes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = address(mailboxes.get(i));
        }
        return out;
    }

    private static InternetAddress address(Mailbox mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        requireNoControl("address", mailbox.email());
        if (mailbox.name() != null) {
            requireNoControl("display name", mailbox.name());
        }
        try {
            return new InternetAddress(mailbox.email(), mailbox.name(), UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireNoLineBreak(String what, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " contains a line break");
        }
    }

    private static void requireNoControl(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character: " + value.strip());
            }
        }
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static String encodeText(String value) {
        try {
            return MimeUtility.encodeText(value, UTF_8, null);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

}
