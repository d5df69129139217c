package io.crmemail.core.dkim;

import io.crmemail.core.integration.DkimKey;
import io.crmemail.core.integration.SmtpIntegration;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adds DKIM signatures to composed messages: one {@code DKIM-Signature} (relaxed/relaxed, with {@code t=})
 * for every key of the integration whose domain is the From address's domain or a parent of it, so an RSA
 * and an Ed25519 key sign side by side (RFC 8463). No such key: the message stays as it is.
 *
 * <p>Call it on a message whose {@code saveChanges()} has run and send that same object untouched: the
 * signature covers the bytes {@code writeTo} produces, header fields only added, never re-encoded. (Angus
 * would re-encode on the wire only with {@code mail.smtp.allow8bitmime=true}; leave that off.)
 * Parsed keys are cached per key value. Thread-safe.
 */
public final class MessageSigner {

    /** Signed when present (RFC 8058 asks for both List-Unsubscribe fields); From is signed once more. */
    static final List<String> SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "list-unsubscribe", "list-unsubscribe-post");
    private static final int CACHE_LIMIT = 256;

    private final Clock clock;
    private final Map<DkimKey, PrivateKey> keys = new ConcurrentHashMap<>();

    public MessageSigner(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Signs the message with each of the integration's keys for its From domain.
     *
     * @throws DkimException when a matching key does not parse (naming the integration and the key) or the
     *                       message cannot be written; the message is then left unsigned
     */
    public void sign(MimeMessage message, SmtpIntegration integration) throws DkimException {
        if (integration.dkim().isEmpty()) {
            return;
        }
        String fromDomain = fromDomain(message);
        List<DkimKey> matching = integration.dkim().stream().filter(k -> covers(k.domain(), fromDomain)).toList();
        if (matching.isEmpty()) {
            return;
        }
        List<PrivateKey> privateKeys = new ArrayList<>(matching.size());
        for (DkimKey key : matching) {
            privateKeys.add(privateKey(key, integration));
        }
        WrittenMessage written;
        try {
            written = WrittenMessage.of(message);
        } catch (IOException | MessagingException e) {
            throw new DkimException("could not read the message to sign it: " + e.getMessage(), e);
        }
        List<String> signedNames = signedNames(written.fields());
        long timestamp = clock.instant().getEpochSecond();
        List<String> values = new ArrayList<>(matching.size());
        for (int i = 0; i < matching.size(); i++) {
            DkimKey key = matching.get(i);
            String unsigned = SignatureField.unsignedValue(key, timestamp, signedNames, written.bodyHash());
            try {
                String b = SignatureField.sign(written.fields(), signedNames, SignatureField.NAME + ": " + unsigned,
                        key.algorithm(), privateKeys.get(i));
                values.add(SignatureField.withSignature(unsigned, b));
            } catch (GeneralSecurityException e) {
                throw new DkimException(DkimKeys.describe(key) + " of integration " + integration.id()
                        + " cannot sign: " + e.getMessage(), e);
            }
        }
        // Added only once every key has signed, so a failure leaves no half-signed message behind.
        for (String value : values) {
            try {
                message.addHeader(SignatureField.NAME, value);
            } catch (MessagingException e) {
                throw new DkimException("could not add the signature: " + e.getMessage(), e);
            }
        }
    }

    /** True when {@code keyDomain} is the From domain or a parent of it (relaxed DMARC alignment). */
    static boolean covers(String keyDomain, String fromDomain) {
        return fromDomain != null && (fromDomain.equals(keyDomain) || fromDomain.endsWith("." + keyDomain));
    }

    /** The names present among {@link #SIGNED_HEADERS}, each as often as it occurs, then From again. */
    static List<String> signedNames(List<String> fields) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED_HEADERS) {
            for (String field : fields) {
                if (RelaxedHeader.name(field).equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
        }
        // Over-signing: a From added later (a second one) would break the signature instead of passing.
        names.add("from");
        return names;
    }

    private PrivateKey privateKey(DkimKey key, SmtpIntegration integration) throws DkimException {
        PrivateKey cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        PrivateKey parsed;
        try {
            parsed = DkimKeys.parse(key);
        } catch (IllegalArgumentException e) {
            throw new DkimException(e.getMessage() + " (integration " + integration.id() + " " + integration.label()
                    + ")", e);
        }
        if (keys.size() >= CACHE_LIMIT) {
            keys.clear(); // keys replaced many times over; the current ones come back on their next use
        }
        keys.put(key, parsed);
        return parsed;
    }

    private static String fromDomain(MimeMessage message) throws DkimException {
        Address[] from;
        try {
            from = message.getFrom();
        } catch (MessagingException e) {
            throw new DkimException("the From header does not parse: " + e.getMessage(), e);
        }
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)) {
            return null;
        }
        String email = address.getAddress();
        int at = email == null ? -1 : email.lastIndexOf('@');
        return at < 0 ? null : email.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
