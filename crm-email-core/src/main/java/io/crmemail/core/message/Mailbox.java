package io.crmemail.core.message;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/** A display name (may be null) and an address; {@link #toString()} gives the RFC 5322 form. */
public record Mailbox(String name, String email) {

    public Mailbox {
        Objects.requireNonNull(email, "email");
    }

    public static Mailbox of(String email) {
        return new Mailbox(null, email);
    }

    /**
     * Parses one RFC 5322 mailbox ({@code Jane <jane@example.org>} or a bare address).
     *
     * @throws IllegalArgumentException with a human message when it is not exactly one valid address
     */
    public static Mailbox parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("contains a line break");
        }
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(text.strip(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("is not a valid email address: " + text.strip());
        }
        if (parsed.length != 1) {
            throw new IllegalArgumentException("must hold exactly one address: " + text.strip());
        }
        InternetAddress address = parsed[0];
        try {
            if (address.isGroup()) {
                throw new IllegalArgumentException("must not be a group: " + text.strip());
            }
            address.validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("is not a valid email address: " + text.strip());
        }
        String email = address.getAddress();
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1 || email.indexOf('@') != at) {
            throw new IllegalArgumentException("is not a valid email address: " + text.strip());
        }
        String personal = address.getPersonal();
        if (personal != null && personal.chars().anyMatch(Character::isISOControl)) {
            // Decoded from RFC 2047 it may hide a TAB or worse; no header may carry that.
            throw new IllegalArgumentException("has a display name with a control character: " + text.strip());
        }
        return new Mailbox(personal == null || personal.isBlank() ? null : personal, email);
    }

    /** The part right of the {@code @}, lower-cased. */
    public String domain() {
        return email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** As a Jakarta Mail address, with a non-ASCII name encoded per RFC 2047. */
    public InternetAddress toInternetAddress() {
        try {
            return new InternetAddress(email, name, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        if (name == null) {
            return email;
        }
        try {
            return new InternetAddress(email, name, StandardCharsets.UTF_8.name()).toUnicodeString();
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
