package io.crmemail.core.store;

/** What an opaque token stands for. */
public enum TokenKind {
    /** The {@code reply-{16 hex}@catch-domain} Reply-To address of a message. */
    REPLY,
    /** The open-tracking pixel of a message. */
    PIXEL,
    /** A tracked link of a message; the token's {@code url} is the only place its redirect may go. */
    CLICK
}
