package io.crmemail.core.dkim;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A message as {@code writeTo} puts it on the wire: its header fields (raw, folded) and the SHA-256 of its
 * relaxed body. Reading what is written, rather than the message's header objects, signs exactly the bytes
 * the transport sends. The body is streamed into the hash, never held in memory.
 */
record WrittenMessage(List<String> fields, String bodyHash) {

    static WrittenMessage of(MimeMessage message) throws IOException, MessagingException {
        Splitter splitter = new Splitter();
        message.writeTo(splitter);
        return splitter.result();
    }

    /** Header fields in order, each with its continuation lines joined by CRLF, no trailing CRLF. */
    static List<String> fields(String headerBlock) {
        List<String> fields = new ArrayList<>();
        for (String line : headerBlock.split("\r\n|\r|\n")) {
            if (line.isEmpty()) {
                continue;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && !fields.isEmpty()) {
                int last = fields.size() - 1;
                fields.set(last, fields.get(last) + "\r\n" + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Collects bytes up to the first empty line as headers; the rest goes through {@link RelaxedBody}. */
    private static final class Splitter extends OutputStream {
        private final ByteArrayOutputStream headers = new ByteArrayOutputStream(2048);
        private final MessageDigest digest = sha256();
        private final RelaxedBody body = new RelaxedBody(new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        });
        private boolean inBody;
        private boolean atLineStart = true;
        private boolean blankLineCr;

        @Override
        public void write(int b) throws IOException {
            if (inBody) {
                body.write(b);
                return;
            }
            if (atLineStart && (b == '\n' || blankLineCr)) {
                // The empty line after the headers: CRLF or a lone LF; a lone CR followed by more is a line end.
                inBody = true;
                if (b != '\n') {
                    body.write(b);
                }
                return;
            }
            if (atLineStart && b == '\r') {
                blankLineCr = true;
                return;
            }
            headers.write(b);
            atLineStart = b == '\n';
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int i = off;
            int end = off + len;
            while (i < end && !inBody) {
                write(b[i++]);
            }
            if (i < end) {
                body.write(b, i, end - i);
            }
        }

        WrittenMessage result() throws IOException {
            body.finish();
            // ISO-8859-1 maps each byte to one char and back, so a signed field is byte for byte what was written.
            String block = headers.toString(StandardCharsets.ISO_8859_1);
            return new WrittenMessage(fields(block), Base64.getEncoder().encodeToString(digest.digest()));
        }
    }
}
