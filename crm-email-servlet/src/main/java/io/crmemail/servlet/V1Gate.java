package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendQuota;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The way into every v1 endpoint: who is calling (401 invalid_key), may they use this capability (403
 * insufficient_permissions), and the {@code X-RateLimit-*} headers of their account's daily quota.
 */
final class V1Gate {

    static final String SEND = "email.send";
    static final String HISTORY = "email.history";

    private final EmailService email;
    private final Guard guard;
    private final AccessPolicy policy;

    V1Gate(EmailService email, Guard guard, AccessPolicy policy) {
        this.email = email;
        this.guard = guard;
        this.policy = policy;
    }

    Caller enter(Exchange ex, String permission) {
        Caller caller = guard.caller(ex.request());
        quotaHeaders(ex, caller);
        if (!policy.allows(caller, permission)) {
            throw ApiException.forbidden(null, "this key lacks the " + permission + " permission");
        }
        return caller;
    }

    /** May the caller put a message on this record's table? */
    void requireWrite(Caller caller, Long tableId) {
        guard.requireWrite(caller, tableId);
    }

    /** Sets the headers from the account's quota as it stands now (after a send, it counts that send). */
    void quotaHeaders(Exchange ex, Caller caller) {
        quotaHeaders(ex.response(), email.quota(caller));
    }

    static void quotaHeaders(HttpServletResponse response, SendQuota quota) {
        response.setHeader("X-RateLimit-Limit", String.valueOf(quota.limit()));
        response.setHeader("X-RateLimit-Remaining", String.valueOf(quota.remaining()));
        response.setHeader("X-RateLimit-Reset", String.valueOf(quota.resetAt().getEpochSecond()));
    }
}
