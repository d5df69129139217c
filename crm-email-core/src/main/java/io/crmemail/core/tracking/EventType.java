package io.crmemail.core.tracking;

import java.util.Locale;

/** Everything that can happen to a message, in the order it usually happens. */
public enum EventType {
    QUEUED, SCHEDULED, RETRY, SENT, DELIVERED, OPEN, CLICK, REPLY, BOUNCE, DROPPED, CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
