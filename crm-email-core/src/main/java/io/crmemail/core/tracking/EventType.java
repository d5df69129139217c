package io.crmemail.core.tracking;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;
import java.util.Locale;

/** Everything that can happen to a message, in the order it usually happens. */
public enum EventType implements WireEnum {
    QUEUED, SCHEDULED, RETRY, SENT, DELIVERED, OPEN, CLICK, REPLY, BOUNCE, DROPPED, CANCELLED,
    /** The recipient used the message's one-click unsubscribe link; details: {@code email}. */
    UNSUBSCRIBED;

    /** Parses the wire form (any case). */
    @JsonCreator
    public static EventType fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
