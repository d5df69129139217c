package io.crmemail.core.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crmemail.core.json.WireEnum;

/** What an opaque token stands for. */
public enum TokenKind implements WireEnum {
    /** The {@code reply-{16 hex}@catch-domain} Reply-To address of a message. */
    REPLY,
    /** The open-tracking pixel of a message. */
    PIXEL,
    /** A tracked link of a message; the token's {@code url} is the only place its redirect may go. */
    CLICK;

    /** Lower-case wire form. */
    @JsonValue
    @Override
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the wire form (any case). */
    @JsonCreator
    public static TokenKind fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
