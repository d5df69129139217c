package io.crmemail.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/**
 * One end-to-end status for a message, derived from its raw status and its timestamps: the furthest a
 * message got. Only engagement by people counts: automated opens and clicks (scanners, prefetchers) do not
 * stamp {@code firstOpenedAt} or {@code firstClickedAt}, so they never move it.
 */
public enum UnifiedStatus implements WireEnum {
    QUEUED, SCHEDULED, SENT, DELIVERED, OPENED, CLICKED, REPLIED, BOUNCED, DROPPED, CANCELLED;

    /** Parses the wire form (any case). */
    @JsonCreator
    public static UnifiedStatus fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }

    /** The unified status of a message. Inbound messages ({@code received}) count as delivered. */
    public static UnifiedStatus of(EmailMessage message) {
        EmailMetadata m = message.metadata();
        return switch (m.status()) {
            case RECEIVED -> DELIVERED;
            case SCHEDULED -> SCHEDULED;
            case QUEUED -> QUEUED;
            case CANCELLED -> CANCELLED;
            case DROPPED -> DROPPED;
            case BOUNCED -> BOUNCED;
            case SENT, READ -> engagement(m);
        };
    }

    private static UnifiedStatus engagement(EmailMetadata m) {
        if (m.repliedAt() != null) {
            return REPLIED;
        }
        if (m.firstClickedAt() != null) {
            return CLICKED;
        }
        if (m.firstOpenedAt() != null) {
            return OPENED;
        }
        return m.deliveredAt() != null ? DELIVERED : SENT;
    }
}
