package io.crmemail.core;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.IdempotencyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Store-backed idempotency keys (the {@code Idempotency-Key} header): the first request with a key owns it
 * until it finishes; later requests with the same key get the saved response back for 24 hours, across
 * nodes. A request that dies in flight keeps the key for {@link #IN_FLIGHT_LEASE}, after which a retry may
 * take it over.
 */
public final class IdempotencyKeys {

    /** How long a key and its response are kept. */
    public static final Duration RETENTION = Duration.ofHours(24);
    /**
     * How long a key may stay in flight before a retry may take it over (its node is presumed dead). Well above
     * the longest request (a send that waits for its first attempt, a multipart send of 10 × 50 MB): a takeover
     * of a live request would run it twice.
     */
    public static final Duration IN_FLIGHT_LEASE = Duration.ofMinutes(10);
    /** The longest key accepted. */
    public static final int MAX_KEY_LENGTH = 256;

    private final EmailStore store;
    private final Clock clock;

    IdempotencyKeys(EmailStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Takes the key for a request with the given fingerprint, or reports the request that has it.
     *
     * @throws EmailException validation_error naming {@code Idempotency-Key} when the key is blank, longer than
     *                        {@link #MAX_KEY_LENGTH} or not printable ASCII
     */
    public IdempotencyRecord begin(Caller caller, String key, String requestHash) {
        validate(key);
        Objects.requireNonNull(requestHash, "requestHash");
        Instant now = clock.instant();
        return store.beginIdempotent(caller.accountId(), key, requestHash, now, now.plus(RETENTION),
                now.plus(IN_FLIGHT_LEASE));
    }

    /** Saves the response of the request that holds the key. */
    public void finish(Caller caller, String key, int status, String body) {
        store.finishIdempotent(caller.accountId(), key, status, body);
    }

    /** Releases a key whose request failed on our side, so that a retry runs again. */
    public void abandon(Caller caller, String key) {
        store.abandonIdempotent(caller.accountId(), key);
    }

    static void validate(String key) {
        if (key == null || key.isBlank()) {
            throw EmailException.validation("Idempotency-Key", "Idempotency-Key must not be blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw EmailException.validation("Idempotency-Key", "Idempotency-Key must be at most " + MAX_KEY_LENGTH
                    + " characters, got " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw EmailException.validation("Idempotency-Key",
                        "Idempotency-Key must be printable ASCII without spaces");
            }
        }
    }
}
