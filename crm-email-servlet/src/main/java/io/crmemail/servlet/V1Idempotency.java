package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.store.IdempotencyRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Idempotency-Key} header of v1 POSTs. The first request with a key runs and its response is saved
 * (before the client sees it) for 24 hours; a repeat with the same payload gets that response again, a repeat
 * with another payload or while the first still runs gets 409 idempotency_conflict. Only answers that say "not
 * now" (429, 503) are not saved: the key is released so the retry really runs. A 500 is saved like any answer:
 * the request may have stored messages before it failed, and running it again could send them twice.
 */
final class V1Idempotency {

    static final String HEADER = "Idempotency-Key";
    private static final Logger log = LoggerFactory.getLogger(V1Idempotency.class);

    private final EmailService email;

    V1Idempotency(EmailService email) {
        this.email = email;
    }

    /**
     * Runs {@code handler} under the request's key, if it has one.
     *
     * @param payload what identifies the request's content (its body, or a digest of its parts)
     */
    void run(Exchange ex, Caller caller, byte[] payload, Router.Handler handler) throws IOException {
        String key = ex.request().getHeader(HEADER);
        if (key == null) {
            handler.handle(ex);
            return;
        }
        String fingerprint = fingerprint(ex, payload);
        IdempotencyRecord held = email.idempotencyKeys().begin(caller, key, fingerprint);
        if (!held.acquired()) {
            answerRepeat(ex, held, fingerprint);
            return;
        }
        ex.defer();
        try {
            handler.handle(ex);
        } catch (Exception e) {
            ErrorResponses.write(ex, e, ErrorStyle.V1);
        }
        settle(ex, caller, key);
        ex.flush();
    }

    private void settle(Exchange ex, Caller caller, String key) {
        Exchange.Written out = ex.written();
        try {
            if (out != null && out.status() != 429 && out.status() != 503) {
                email.idempotencyKeys().finish(caller, key, out.status(), new String(out.body(), StandardCharsets.UTF_8));
            } else {
                email.idempotencyKeys().abandon(caller, key);
            }
        } catch (RuntimeException e) {
            // The request itself is done; a repeat will see the key in flight until its lease runs out.
            log.warn("request {}: could not save the response of idempotency key", ex.requestId(), e);
        }
    }

    private static void answerRepeat(Exchange ex, IdempotencyRecord held, String fingerprint) throws IOException {
        if (!held.requestHash().equals(fingerprint)) {
            throw new ApiException(409, "idempotency_conflict", HEADER,
                    "this Idempotency-Key was used with a different request; use a new key for a new request");
        }
        if (!held.completed()) {
            throw new ApiException(409, "idempotency_conflict", HEADER,
                    "a request with this Idempotency-Key is still in progress; retry later");
        }
        ex.response().setHeader("Idempotent-Replayed", "true");
        ex.bytes(held.status(), held.body().getBytes(StandardCharsets.UTF_8));
    }

    /** Method, path and payload: the same key on another endpoint is another request. */
    private static String fingerprint(Exchange ex, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((ex.method() + " " + ex.path() + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(payload);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
