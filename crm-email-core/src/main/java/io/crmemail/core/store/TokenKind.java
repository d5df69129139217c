package io.crmemail.core.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an opaque token stands for. */
public enum TokenKind {
    /** The {@code reply-{16 hex}@catch-domain} Reply-To address of a message. */
    REPLY,
    /** The open-tracking pixel of a message. */
    PIXEL,
    /** A tracked link of a message; the token's {@code url} is the only place its redirect may go. */
    CLICK;

    /** Lower-case wire form. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the wire form (any case). */
    @JsonCreator
    public static TokenKind fromWire(String wire) {
        for (TokenKind value : values()) {
            if (value.wire().equalsIgnoreCase(wire)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown TokenKind: " + wire);
    }
}
