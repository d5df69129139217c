package io.crmemail.examples.demo;

import io.crmemail.core.Caller;
import io.crmemail.servlet.AccessPolicy;
import io.crmemail.servlet.AuthenticatedUser;
import io.crmemail.servlet.BearerTokenAuthenticator;
import io.crmemail.servlet.InvalidCredentialsException;
import io.crmemail.servlet.RequestAuthenticator;
import io.crmemail.servlet.SessionAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Who is who in the demo: the world's users sign in with their token (session cookie, set by
 * {@link LoginServlet}) or send it as {@code Authorization: Bearer}. The library's servlets and the demo's
 * own endpoints use the same authenticator and the same per-table write permission.
 */
final class DemoAuth {

    private final DemoWorld world;
    private final RequestAuthenticator authenticator;

    DemoAuth(DemoWorld world) {
        this.world = world;
        this.authenticator = RequestAuthenticator.firstOf(
                new SessionAuthenticator(),
                new BearerTokenAuthenticator(token -> world.userByToken(token).map(this::principal)));
    }

    RequestAuthenticator authenticator() {
        return authenticator;
    }

    AccessPolicy accessPolicy() {
        return (caller, tableId) -> caller.accountId() == world.account().id()
                && world.user(caller.userId()).map(u -> u.canWrite(tableId)).orElse(false);
    }

    AuthenticatedUser principal(DemoWorld.User user) {
        return new AuthenticatedUser(new Caller(world.account().id(), user.id()), user.name());
    }

    /** The signed-in user of a demo endpoint, or a 401 answer. */
    DemoWorld.User require(HttpServletRequest request) throws Json.Failure {
        Optional<AuthenticatedUser> found;
        try {
            found = authenticator.authenticate(request);
        } catch (InvalidCredentialsException e) {
            throw new Json.Failure(401, "invalid_key", e.getMessage(), null);
        }
        return found.flatMap(u -> world.user(u.caller().userId()))
                .orElseThrow(() -> new Json.Failure(401, "unauthorized", "sign in or send Authorization: Bearer <token>", null));
    }

    /** As {@link #require}, plus write access on the table (403 otherwise, 404 for an unknown table). */
    DemoWorld.Table requireTable(HttpServletRequest request, long tableId, String field) throws Json.Failure {
        DemoWorld.User user = require(request);
        DemoWorld.Table table = world.table(tableId)
                .orElseThrow(() -> new Json.Failure(404, "not_found", "unknown table " + tableId, field));
        if (!user.canWrite(tableId)) {
            throw new Json.Failure(403, "insufficient_permissions", user.name() + " may not write table " + tableId, field);
        }
        return table;
    }
}
