package io.crmemail.core.store;

import io.crmemail.core.message.EmailMessage;
import java.time.Instant;

/**
 * A claimed outbox entry: the message, which attempt this is (1 for the first), and the lease.
 * Only the lease owner reports its outcome; when the lease expires another worker may claim it.
 */
public record DeliveryJob(EmailMessage message, int attempt, String leaseOwner, Instant leaseExpiresAt) {

    public long messageId() {
        return message.id();
    }
}
