package io.crmemail.core.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for transient failures. Attempt n (1-based) that failed is retried
 * after {@code initialDelay × multiplier^(n-1)}, capped at {@code maxDelay}, then spread by ±{@code jitter}
 * so that a burst of failures does not retry in lock step. After {@code maxAttempts} the message is dropped.
 *
 * @param maxAttempts  transmission attempts in all, including the first
 * @param initialDelay delay after the first failure
 * @param multiplier   growth per attempt
 * @param maxDelay     upper bound before jitter
 * @param jitter       fraction in [0, 1): the delay is multiplied by a random factor in [1-jitter, 1+jitter]
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
                          double jitter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    /** 8 attempts: 1 min, 2, 4, 8, 16, 32, 60 min (±20%): about two hours before giving up. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0.2);
    }

    /**
     * For delivery straight to the recipients' MX hosts, after RFC 5321 §4.5.4.1: at least 30 minutes between
     * tries and giving up after 4–5 days. 22 attempts: 34 min, 68 min, 2¼ h, 4½ h, then every 6 h (±10%):
     * about 4.6 days before giving up.
     */
    public static RetryPolicy directDelivery() {
        return new RetryPolicy(22, Duration.ofMinutes(34), 2.0, Duration.ofHours(6), 0.1);
    }

    /** Whether a message whose attempt number {@code attempt} just failed gets another one. */
    public boolean shouldRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /** The delay before the attempt after {@code failedAttempt}. */
    public Duration delayAfter(int failedAttempt) {
        double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        double capped = Math.min(base, maxDelay.toMillis());
        double factor = jitter == 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofMillis(Math.max(0, Math.round(capped * factor)));
    }
}
