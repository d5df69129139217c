package io.crmemail.core.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** What an opaque token stands for. */
public enum TokenKind implements WireEnum {
    /** The {@code reply-{16 hex}@catch-domain} Reply-To address of a message. */
    REPLY,
    /** The open-tracking pixel of a message. */
    PIXEL,
    /** A tracked link of a message; the token's {@code url} is the only place its redirect may go. */
    CLICK,
    /**
     * The one-click {@code List-Unsubscribe} link of a message with exactly one recipient (RFC 8058): a POST
     * to it suppresses that recipient for the account.
     */
    UNSUBSCRIBE;

    /** Parses the wire form (any case). */
    @JsonCreator
    public static TokenKind fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
