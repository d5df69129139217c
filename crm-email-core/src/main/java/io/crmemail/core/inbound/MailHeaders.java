package io.crmemail.core.inbound;

import io.crmemail.core.message.Mailbox;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lenient header reading: real-world mail has broken addresses, encodings and dates; none of it throws. */
final class MailHeaders {

    /**
     * A Message-ID with its angle brackets. Longer ones than any real mailer writes are ignored (then the
     * message counts as having none): stores index the column, and a legitimate reply must never be refused
     * for a header an attacker can inflate.
     */
    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]{1,900}>");
    private static final int MAX_HEADER_VALUE = 4000;

    private MailHeaders() {
    }

    /** The first value of a header, unfolded and RFC 2047-decoded; null when absent. */
    static String text(MimeMessage message, String name) {
        String raw = raw(message, name);
        if (raw == null) {
            return null;
        }
        try {
            return clip(MimeUtility.decodeText(MimeUtility.unfold(raw)).strip());
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return clip(MimeUtility.unfold(raw).strip());
        }
    }

    /** The first raw value of a header, null when absent or unreadable. */
    static String raw(MimeMessage message, String name) {
        try {
            String[] values = message.getHeader(name);
            return values == null || values.length == 0 ? null : values[0];
        } catch (MessagingException e) {
            return null;
        }
    }

    /** Every raw value of the given headers, in order. */
    static List<String> rawAll(MimeMessage message, String... names) {
        List<String> values = new ArrayList<>();
        for (String name : names) {
            try {
                String[] found = message.getHeader(name);
                if (found != null) {
                    values.addAll(List.of(found));
                }
            } catch (MessagingException ignored) {
                // unreadable header: skip it
            }
        }
        return values;
    }

    /** The mailboxes of an address header, skipping what cannot be parsed. */
    static List<Mailbox> mailboxes(MimeMessage message, String name) {
        List<Mailbox> result = new ArrayList<>();
        for (String value : rawAll(message, name)) {
            InternetAddress[] parsed;
            try {
                parsed = InternetAddress.parseHeader(MimeUtility.unfold(value), false);
            } catch (AddressException e) {
                continue;
            }
            for (InternetAddress address : parsed) {
                String email = address.getAddress();
                if (email != null && email.indexOf('@') > 0 && !address.isGroup()) {
                    String personal = address.getPersonal();
                    result.add(new Mailbox(personal == null || personal.isBlank() ? null : clip(personal.strip()),
                            clip(email.strip())));
                }
            }
        }
        return result;
    }

    /** The Message-IDs (with angle brackets) found in a header, in order. */
    static List<String> messageIds(MimeMessage message, String name) {
        List<String> ids = new ArrayList<>();
        for (String value : rawAll(message, name)) {
            Matcher m = MESSAGE_ID.matcher(value);
            while (m.find() && ids.size() < 100) {
                ids.add(m.group());
            }
        }
        return ids;
    }

    static Instant date(MimeMessage message) {
        try {
            Date sent = message.getSentDate();
            return sent == null ? null : sent.toInstant();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static String clip(String value) {
        return value.length() > MAX_HEADER_VALUE ? value.substring(0, MAX_HEADER_VALUE) : value;
    }
}
