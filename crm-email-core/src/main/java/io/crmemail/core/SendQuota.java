package io.crmemail.core;

import java.time.Instant;

/**
 * Where an account stands against its daily cap, for {@code X-RateLimit-*} headers.
 *
 * @param limit     the daily cap
 * @param remaining sends left today (never negative)
 * @param resetAt   when the count starts again (next UTC midnight)
 */
public record SendQuota(long limit, long remaining, Instant resetAt) {
}
