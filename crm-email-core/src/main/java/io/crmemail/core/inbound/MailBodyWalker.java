package io.crmemail.core.inbound;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Walks a MIME tree within the part-count and depth caps: the first inline text and HTML become the body,
 * other parts become attachments. Attached messages (message/rfc822) are kept whole as attachments.
 */
final class MailBodyWalker {

    /** The message broke the part or depth cap. */
    static final class TooComplexException extends Exception {
        TooComplexException(String message) {
            super(message);
        }
    }

    private static final int MAX_TEXT_CHARS = 2_000_000;

    private final InboundLimits limits;
    private int parts;
    private String text;
    private String html;
    private final List<Part> attachments = new ArrayList<>();

    private MailBodyWalker(InboundLimits limits) {
        this.limits = limits;
    }

    static MailBody walk(Part root, InboundLimits limits) throws TooComplexException {
        MailBodyWalker walker = new MailBodyWalker(limits);
        walker.visit(root, 1);
        return new MailBody(walker.text, walker.html, List.copyOf(walker.attachments));
    }

    private void visit(Part part, int depth) throws TooComplexException {
        if (++parts > limits.maxParts()) {
            throw new TooComplexException("more than " + limits.maxParts() + " MIME parts");
        }
        if (depth > limits.maxDepth()) {
            throw new TooComplexException("MIME nesting deeper than " + limits.maxDepth());
        }
        String type = baseType(part);
        if (type.startsWith("multipart/")) {
            Multipart multipart = multipart(part);
            if (multipart == null) {
                return;
            }
            try {
                for (int i = 0; i < multipart.getCount(); i++) {
                    visit(multipart.getBodyPart(i), depth + 1);
                }
            } catch (MessagingException e) {
                // A truncated multipart keeps the parts read so far.
            }
            return;
        }
        boolean attachment = isAttachment(part);
        if (!attachment && type.equals("text/plain") && text == null) {
            text = read(part);
        } else if (!attachment && type.equals("text/html") && html == null) {
            html = read(part);
        } else if (attachment || !type.startsWith("text/") || type.equals("message/rfc822")) {
            attachments.add(part);
        }
    }

    private static Multipart multipart(Part part) {
        try {
            Object content = part.getContent();
            return content instanceof Multipart m ? m : null;
        } catch (IOException | MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isAttachment(Part part) {
        try {
            return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    static String baseType(Part part) {
        try {
            String header = part.getContentType();
            return header == null ? "text/plain" : new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    /** Decodes a text part with its declared charset; an unknown or broken charset falls back to UTF-8. */
    static String read(Part part) {
        Charset charset = charset(part);
        try (InputStream in = part.getInputStream(); Reader reader = new InputStreamReader(in, charset)) {
            StringBuilder out = new StringBuilder();
            char[] buffer = new char[8192];
            for (int n; (n = reader.read(buffer)) != -1 && out.length() < MAX_TEXT_CHARS; ) {
                out.append(buffer, 0, Math.min(n, MAX_TEXT_CHARS - out.length()));
            }
            return out.toString();
        } catch (IOException | MessagingException | RuntimeException e) {
            return "";
        }
    }

    private static Charset charset(Part part) {
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            if (name == null || name.isBlank()) {
                // RFC 2045 says US-ASCII; UTF-8 reads the same bytes and survives senders that forgot the label.
                return StandardCharsets.UTF_8;
            }
            String javaName = jakarta.mail.internet.MimeUtility.javaCharset(name.strip());
            return Charset.isSupported(javaName) ? Charset.forName(javaName) : StandardCharsets.UTF_8;
        } catch (MessagingException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
