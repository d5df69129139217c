package io.crmemail.core;

import java.time.Duration;

/** A send cap was hit: nothing was accepted; try again after {@link #retryAfter()}. */
public final class RateLimitedException extends EmailException {

    private final Duration retryAfter;
    private final SendQuota quota;

    public RateLimitedException(String message, Duration retryAfter, SendQuota quota) {
        super(ErrorCode.RATE_LIMITED, null, message);
        this.retryAfter = retryAfter;
        this.quota = quota;
    }

    /** How long to wait before trying again (at least one second). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The daily quota as it stood when the send was refused. */
    public SendQuota quota() {
        return quota;
    }
}
