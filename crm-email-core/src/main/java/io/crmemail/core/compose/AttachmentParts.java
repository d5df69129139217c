package io.crmemail.core.compose;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.HeaderTokenizer;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Builds attachment body parts whose bytes are streamed from the {@link AttachmentStore} at write time. */
final class AttachmentParts {

    private static final String OCTET_STREAM = "application/octet-stream";
    /** Keeps every header line well below 78 characters even with the parameter name in front. */
    private static final int SEGMENT = 60;
    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    private AttachmentParts() {
    }

    static MimeBodyPart create(AttachmentStore store, AttachmentRef ref) throws MessagingException {
        String name = fileName(ref);
        String type = contentType(ref.type());
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new StoreDataSource(store, ref.path(), type, name)));
        // setDataHandler clears content headers, so they are all set afterwards.
        part.setHeader("Content-Type", type + parameter("name", name));
        part.setHeader("Content-Disposition", MimePart.ATTACHMENT + parameter("filename", name));
        // Explicit, or saveChanges() would read the whole stream to choose an encoding.
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    /**
     * {@code ; key=value} on a folded line of its own. A short ASCII value is quoted as needed; any other
     * is RFC 2231 encoded and split into continuations on character boundaries, because Jakarta would
     * write one unbounded line (a long non-ASCII name could pass the 998-octet limit) or fold inside
     * quotes.
     */
    static String parameter(String key, String value) {
        if (value.length() <= SEGMENT && StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
            return ";\r\n\t" + key + "=" + MimeUtility.quote(value, HeaderTokenizer.MIME);
        }
        StringBuilder out = new StringBuilder();
        StringBuilder segment = new StringBuilder("UTF-8''");
        int index = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            String encoded = percentEncode(cp);
            if (segment.length() + encoded.length() > SEGMENT) {
                out.append(";\r\n\t").append(key).append('*').append(index++).append("*=").append(segment);
                segment.setLength(0);
            }
            segment.append(encoded);
        }
        out.append(";\r\n\t").append(key).append('*').append(index).append("*=").append(segment);
        return out.toString();
    }

    private static String percentEncode(int cp) {
        if (cp < 0x80 && (Character.isLetterOrDigit(cp) || ATTR_CHARS.indexOf(cp) >= 0)) {
            return String.valueOf((char) cp);
        }
        StringBuilder out = new StringBuilder();
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        return out.toString();
    }

    /** The display name without control characters; the path's last segment when there is none. */
    static String fileName(AttachmentRef ref) {
        String name = ref.name();
        if (name == null || name.isBlank()) {
            String path = ref.path() == null ? "" : ref.path();
            name = path.substring(path.lastIndexOf('/') + 1);
        }
        StringBuilder clean = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        String stripped = clean.toString().strip();
        return stripped.isEmpty() ? "attachment" : stripped;
    }

    /** The base type of {@code type}, or {@code application/octet-stream} when missing or malformed. */
    static String contentType(String type) {
        if (type == null || type.isBlank()) {
            return OCTET_STREAM;
        }
        try {
            ContentType parsed = new ContentType(type.strip());
            return parsed.getPrimaryType() == null || parsed.getSubType() == null
                    ? OCTET_STREAM
                    : parsed.getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException e) {
            return OCTET_STREAM;
        }
    }
}
