package io.crmemail.core.delivery;

import java.util.List;

/** The SMTP envelope: MAIL FROM and the RCPT TO list (to, cc and bcc together). */
public record Envelope(String mailFrom, List<String> recipients) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
