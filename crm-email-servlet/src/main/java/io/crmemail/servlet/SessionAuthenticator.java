package io.crmemail.servlet;

import io.crmemail.core.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates by an attribute of the existing {@link HttpSession} that the host's own login put there,
 * holding an {@link AuthenticatedUser} or a core {@link Caller}. Never creates a session.
 */
public final class SessionAuthenticator implements RequestAuthenticator {

    /** The attribute read by {@link #SessionAuthenticator()}. */
    public static final String DEFAULT_ATTRIBUTE = "io.crmemail.user";

    private final String attribute;

    public SessionAuthenticator() {
        this(DEFAULT_ATTRIBUTE);
    }

    public SessionAuthenticator(String attribute) {
        this.attribute = Objects.requireNonNull(attribute, "attribute");
    }

    @Override
    public Optional<AuthenticatedUser> authenticate(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        Object value = session.getAttribute(attribute);
        if (value instanceof AuthenticatedUser user) {
            return Optional.of(user);
        }
        if (value instanceof Caller caller) {
            return Optional.of(AuthenticatedUser.of(caller));
        }
        return Optional.empty();
    }
}
