package io.crmemail.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;
import java.util.Locale;

/** The status of an email comment as the CRM surface shows it in {@code metadata.status}. */
public enum EmailStatus implements WireEnum {
    /** Accepted, waiting for its {@code scheduledAt}. */
    SCHEDULED,
    /** Accepted, waiting for a worker (also between retries). */
    QUEUED,
    /** The SMTP server accepted it. */
    SENT,
    /** Sent, and its tracking pixel was loaded. */
    READ,
    /** Permanently refused (5xx) or reported back as undeliverable. */
    BOUNCED,
    /** Given up on (retries exhausted, record gone, suppressed, …); the reason is in {@code error}. */
    DROPPED,
    /** Cancelled by a caller before it was sent. */
    CANCELLED,
    /** An inbound message stored on the record. */
    RECEIVED;

    /** True while the message may still be transmitted. */
    public boolean isPending() {
        return this == SCHEDULED || this == QUEUED;
    }

    /** Parses the wire form (any case). */
    @JsonCreator
    public static EmailStatus fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
