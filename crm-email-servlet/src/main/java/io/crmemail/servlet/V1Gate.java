package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailException;
import io.crmemail.core.EmailService;
import io.crmemail.core.MessageRequest;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.SendQuota;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

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

    /**
     * May the caller put this message on its record's table? A reply into a conversation without a record of its
     * own lands on the conversation's record (that of its latest message on one), so that one is checked: its
     * fields are merged into the mail.
     */
    void requireWrite(Caller caller, MessageRequest request) {
        if (request.record() != null) {
            guard.requireWrite(caller, request.record().tableId());
            return;
        }
        if (request.threadId() == null || request.threadId().isBlank()) {
            return;
        }
        List<EmailMessage> conversation;
        try {
            conversation = email.thread(caller, request.threadId());
        } catch (EmailException unknown) {
            return; // the send reports the unknown thread with its field
        }
        for (int i = conversation.size() - 1; i >= 0; i--) {
            RecordRef record = conversation.get(i).record();
            if (!record.isNone()) {
                guard.requireWrite(caller, record.tableId());
                return;
            }
        }
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
