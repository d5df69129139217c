package io.crmemail.core.delivery;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;

/** Envelope addresses checked before they go into a MAIL FROM or RCPT TO command. */
final class EnvelopeAddresses {

    private EnvelopeAddresses() {
    }

    /** The recipients parsed strictly; parsing rejects CR/LF and anything else that could smuggle a command. */
    static InternetAddress[] recipients(List<String> addresses) throws AddressException {
        InternetAddress[] out = new InternetAddress[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(addresses.get(i), true);
        }
        return out;
    }

    /** The recipients' bare addresses, which must be ASCII (we do not negotiate SMTPUTF8). */
    static List<String> asciiRecipients(List<String> addresses) throws AddressException {
        InternetAddress[] parsed = recipients(addresses);
        String[] out = new String[parsed.length];
        for (int i = 0; i < parsed.length; i++) {
            out[i] = ascii(parsed[i].getAddress());
        }
        return List.of(out);
    }

    /** The MAIL FROM address; null or blank means the null reverse-path {@code <>}. */
    static String reversePath(String mailFrom) throws AddressException {
        if (mailFrom == null || mailFrom.isBlank() || mailFrom.strip().equals("<>")) {
            return "<>";
        }
        return new InternetAddress(mailFrom, true).getAddress();
    }

    static String ascii(String address) throws AddressException {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new AddressException("not an ASCII address without spaces", address);
            }
        }
        return address;
    }
}
