package io.crmemail.core;

import io.crmemail.core.store.EmailStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies {@link SendLimits} to every accepted message, CRM or {@code /api/v1}. The per-second cap is a token
 * bucket per account on this node; the per-day cap (a UTC day) is a counter in the store, so it holds across
 * nodes. Both are taken together or not at all: a refused day gives the second's tokens back.
 */
final class SendCaps {

    private final EmailStore store;
    private final SendLimits limits;
    private final Clock clock;
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    SendCaps(EmailStore store, SendLimits limits, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Counts {@code count} messages of the account against both caps.
     *
     * @throws RateLimitedException when they do not fit (nothing is counted then)
     */
    void reserve(long accountId, int count) {
        if (count <= 0) {
            return;
        }
        Instant now = clock.instant();
        Bucket bucket = buckets.computeIfAbsent(accountId, id -> new Bucket(limits.perSecond(), now));
        Duration wait = bucket.take(count, now);
        if (wait != null) {
            throw new RateLimitedException("more than " + limits.perSecond() + " messages per second",
                    atLeastOneSecond(wait), quota(accountId, now));
        }
        boolean fits;
        try {
            fits = store.reserveSends(accountId, dayStart(now), count, limits.perDay()) >= 0;
        } catch (RuntimeException e) {
            bucket.giveBack(count);
            throw e;
        }
        if (!fits) {
            bucket.giveBack(count);
            Instant reset = dayStart(now).plus(Duration.ofDays(1));
            throw new RateLimitedException("the daily cap of " + limits.perDay() + " messages is reached",
                    atLeastOneSecond(Duration.between(now, reset)), quota(accountId, now));
        }
    }

    SendQuota quota(long accountId) {
        return quota(accountId, clock.instant());
    }

    private SendQuota quota(long accountId, Instant now) {
        Instant start = dayStart(now);
        long used = store.sendsInWindow(accountId, start);
        return new SendQuota(limits.perDay(), Math.max(0, limits.perDay() - used), start.plus(Duration.ofDays(1)));
    }

    private static Instant dayStart(Instant now) {
        return now.truncatedTo(ChronoUnit.DAYS);
    }

    /** Whole seconds, rounded up: Retry-After has no fractions, and "0" invites a tight retry loop. */
    private static Duration atLeastOneSecond(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /**
     * Holds up to {@code rate} tokens and refills {@code rate} per second. A request for more than the bucket
     * holds (a large batch) is let through when the bucket is full and leaves it in debt, so the account's
     * average stays at the rate without making big batches impossible.
     */
    private static final class Bucket {
        private final double rate;
        private double tokens;
        private Instant refilledAt;

        Bucket(int rate, Instant now) {
            this.rate = rate;
            this.tokens = rate;
            this.refilledAt = now;
        }

        /** Takes the tokens and returns null, or returns how long until they could be taken. */
        synchronized Duration take(int count, Instant now) {
            refill(now);
            double needed = Math.min(count, rate);
            if (tokens < needed) {
                return Duration.ofNanos((long) Math.ceil((needed - tokens) / rate * 1e9));
            }
            tokens -= count;
            return null;
        }

        synchronized void giveBack(int count) {
            tokens = Math.min(rate, tokens + count);
        }

        private void refill(Instant now) {
            if (now.isAfter(refilledAt)) {
                double seconds = Duration.between(refilledAt, now).toNanos() / 1e9;
                tokens = Math.min(rate, tokens + seconds * rate);
                refilledAt = now;
            }
        }
    }
}
