package io.crmemail.core.inbound;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity that makes a second delivery of the same message a duplicate: its Message-ID, or, for
 * mail without one, a Message-ID derived from the SHA-256 of its bytes.
 */
final class MessageIdentity {

    private MessageIdentity() {
    }

    static String of(MimeMessage message, Path raw) throws IOException {
        List<String> ids = MailHeaders.messageIds(message, "Message-ID");
        return ids.isEmpty() ? "<sha256-" + sha256(raw) + "@inbound.crm-email>" : ids.get(0);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
