package io.crmemail.core.inbound;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams inbound attachments into the AttachmentStore under the record's {@code {spaceId}-{tableId}-} prefix. */
final class InboundAttachments {

    private static final Logger log = LoggerFactory.getLogger(InboundAttachments.class);
    private static final int MAX_NAME = 120;
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");

    private final AttachmentStore store;

    InboundAttachments(AttachmentStore store) {
        this.store = store;
    }

    List<AttachmentRef> save(List<Part> parts, String prefix) throws IOException {
        List<AttachmentRef> saved = new ArrayList<>();
        try {
            for (int i = 0; i < parts.size(); i++) {
                Part part = parts.get(i);
                String type = MailBodyWalker.baseType(part);
                String name = fileName(part, type, i + 1);
                String path = prefix + "in-" + io.crmemail.core.tracking.Tokens.replyToken() + "-" + name;
                long size;
                try (InputStream in = part.getInputStream()) {
                    size = store.write(path, in);
                }
                saved.add(new AttachmentRef(name, path, type, size, null));
            }
            return saved;
        } catch (MessagingException | IOException | RuntimeException e) {
            delete(saved);
            throw e instanceof IOException io ? io : new IOException("cannot save an attachment: " + e.getMessage(), e);
        }
    }

    void delete(List<AttachmentRef> saved) {
        for (AttachmentRef ref : saved) {
            try {
                store.delete(ref.path());
            } catch (IOException | RuntimeException e) {
                log.warn("could not delete attachment {} of an unstored message", ref.path(), e);
            }
        }
    }

    /** A safe file name: decoded, without paths or control characters, with a fallback and an extension. */
    static String fileName(Part part, String type, int index) {
        String name = null;
        try {
            name = part.getFileName();
            if (name != null) {
                name = MimeUtility.decodeText(name);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            name = null;
        }
        if (name != null) {
            name = name.replace('\\', '/');
            name = name.substring(name.lastIndexOf('/') + 1);
            name = CONTROL.matcher(name).replaceAll("").replace("..", ".").strip();
        }
        if (name == null || name.isEmpty() || name.equals(".")) {
            name = "attachment-" + index + extension(type);
        }
        if (name.length() > MAX_NAME) {
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
            name = name.substring(0, MAX_NAME - ext.length()) + ext;
        }
        return name;
    }

    private static String extension(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "message/rfc822" -> ".eml";
            case "application/pdf" -> ".pdf";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "text/calendar" -> ".ics";
            default -> ".bin";
        };
    }
}
