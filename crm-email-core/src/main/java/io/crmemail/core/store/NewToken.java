package io.crmemail.core.store;

/** A token to create together with its message; {@code url} only for {@link TokenKind#CLICK}. */
public record NewToken(String token, TokenKind kind, String url) {

    public static NewToken of(String token, TokenKind kind) {
        return new NewToken(token, kind, null);
    }
}
