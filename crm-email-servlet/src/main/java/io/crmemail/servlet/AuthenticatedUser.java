package io.crmemail.servlet;

import io.crmemail.core.Caller;
import java.security.Principal;
import java.util.Objects;

/**
 * Who a request was authenticated as: the core {@link Caller} (account and user) every call is scoped to,
 * and a display name for logs.
 *
 * @param caller the account and user the request acts for
 * @param name   a name for logs; when null, {@code account:user}
 */
public record AuthenticatedUser(Caller caller, String name) implements Principal {

    public AuthenticatedUser {
        Objects.requireNonNull(caller, "caller");
        if (name == null) {
            name = caller.accountId() + ":" + caller.userId();
        }
    }

    public static AuthenticatedUser of(Caller caller) {
        return new AuthenticatedUser(caller, null);
    }

    public static AuthenticatedUser of(long accountId, long userId) {
        return of(new Caller(accountId, userId));
    }

    @Override
    public String getName() {
        return name;
    }
}
