package io.crmemail.core.store;

import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recipient's failure as a bounce report gave it.
 *
 * @param recipient  the address that failed
 * @param status     the enhanced status code (RFC 3463, e.g. {@code 5.1.1}) or the SMTP code, may be null
 * @param diagnostic the remote server's words, may be null
 * @param hard       permanent (5.x.x): the message becomes bounced and the address suppressed; otherwise only
 *                   an event is recorded
 * @param at         when the report arrived
 */
public record BounceReport(String recipient, String status, String diagnostic, boolean hard, Instant at) {

    public BounceReport {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(at, "at");
    }

    /** The {@code bounce} event of a message: recipient, status, diagnostic (when known) and kind hard or soft. */
    public EmailEvent event(long messageId) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recipient", recipient);
        if (status != null) {
            details.put("status", status);
        }
        if (diagnostic != null) {
            details.put("diagnostic", diagnostic);
        }
        details.put("kind", hard ? "hard" : "soft");
        return EmailEvent.of(messageId, EventType.BOUNCE, at, details);
    }

    /** The {@code error} a hard bounce leaves on its message, e.g. {@code bounced: a@b.c 5.1.1 550 User unknown}. */
    public String describe() {
        StringBuilder text = new StringBuilder("bounced: ").append(recipient);
        if (status != null) {
            text.append(' ').append(status);
        }
        if (diagnostic != null) {
            text.append(' ').append(diagnostic);
        }
        return text.toString();
    }
}
