package io.crmemail.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request's credentials (a session, an {@code Authorization: Bearer} header, …) into the user it
 * acts for. The host implements it or uses the shipped {@link BearerTokenAuthenticator} and
 * {@link SessionAuthenticator}, combined with {@link #firstOf}.
 */
@FunctionalInterface
public interface RequestAuthenticator {

    /**
     * @return the user, or empty when the request carries no credentials this authenticator understands
     *         (answered with 401 {@code unauthorized} if no other authenticator matches)
     * @throws InvalidCredentialsException when it carries such credentials but they are not valid
     *         (answered with 401 {@code invalid_key})
     */
    Optional<AuthenticatedUser> authenticate(HttpServletRequest request);

    /**
     * Asks each authenticator in turn and takes the first user found. An authenticator that throws
     * {@link InvalidCredentialsException} ends the search: bad credentials are never silently ignored in
     * favour of other ones.
     */
    static RequestAuthenticator firstOf(RequestAuthenticator... authenticators) {
        List<RequestAuthenticator> chain = List.of(authenticators);
        return request -> {
            for (RequestAuthenticator authenticator : chain) {
                Optional<AuthenticatedUser> user = authenticator.authenticate(request);
                if (user.isPresent()) {
                    return user;
                }
            }
            return Optional.empty();
        };
    }
}
