package io.crmemail.servlet;

import io.crmemail.core.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** Authentication (401) and table write access (403) for the authenticated endpoints. */
final class Guard {

    private final RequestAuthenticator authenticator;
    private final AccessPolicy policy;

    Guard(RequestAuthenticator authenticator, AccessPolicy policy) {
        this.authenticator = authenticator;
        this.policy = policy;
    }

    Caller caller(HttpServletRequest request) {
        Optional<AuthenticatedUser> user;
        try {
            user = authenticator.authenticate(request);
        } catch (InvalidCredentialsException e) {
            throw ApiException.invalidKey(e.getMessage());
        }
        if (user == null || user.isEmpty()) {
            throw ApiException.unauthorized("authentication required: a session or an Authorization: Bearer token");
        }
        return user.get().caller();
    }

    /**
     * Refuses unless the caller may write the table. A missing table id passes, so that the core reports it
     * as the validation error it is.
     */
    void requireWrite(Caller caller, Long tableId) {
        if (tableId != null && !policy.canWrite(caller, tableId)) {
            throw ApiException.forbidden("tableId", "no write access to table " + tableId);
        }
    }
}
