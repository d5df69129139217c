package io.crmemail.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates {@code Authorization: Bearer <token>} with a host-supplied lookup (an API key table, a
 * JWT verifier, …). A request without a Bearer header is not this authenticator's business (empty); a
 * Bearer token the lookup does not know is invalid.
 *
 * <pre>{@code
 * new BearerTokenAuthenticator(token -> apiKeys.find(token).map(k -> AuthenticatedUser.of(k.account(), k.user())))
 * }</pre>
 */
public final class BearerTokenAuthenticator implements RequestAuthenticator {

    private static final String SCHEME = "bearer ";

    private final Function<String, Optional<AuthenticatedUser>> lookup;

    public BearerTokenAuthenticator(Function<String, Optional<AuthenticatedUser>> lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    @Override
    public Optional<AuthenticatedUser> authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(SCHEME.strip())) {
            return Optional.empty();
        }
        if (!header.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new InvalidCredentialsException("malformed Authorization header; expected 'Bearer <token>'");
        }
        String token = header.substring(SCHEME.length()).strip();
        if (token.isEmpty()) {
            throw new InvalidCredentialsException("empty bearer token");
        }
        Optional<AuthenticatedUser> user = lookup.apply(token);
        if (user == null || user.isEmpty()) {
            throw new InvalidCredentialsException("invalid bearer token");
        }
        return user;
    }
}
