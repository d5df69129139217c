package io.crmemail.core.store;

/**
 * The state of an idempotency key after {@link EmailStore#beginIdempotent}: either this caller now owns it
 * ({@code acquired}), or someone else's request with this key exists, finished ({@code completed}, with its
 * response) or still in flight.
 *
 * @param acquired    true when the caller's request now owns the key and must finish or abandon it
 * @param requestHash the fingerprint of the request that owns the key
 * @param completed   true once that request's response was saved
 * @param status      the saved response's HTTP status (0 while in flight)
 * @param body        the saved response body (null while in flight)
 */
public record IdempotencyRecord(boolean acquired, String requestHash, boolean completed, int status, String body) {

    public static IdempotencyRecord acquired(String requestHash) {
        return new IdempotencyRecord(true, requestHash, false, 0, null);
    }
}
