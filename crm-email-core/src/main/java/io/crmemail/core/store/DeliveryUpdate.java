package io.crmemail.core.store;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.tracking.EmailEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one transmission attempt, applied by {@link EmailStore#complete} in one transaction
 * together with its event.
 *
 * @param status        {@code SENT}, {@code BOUNCED} or {@code DROPPED} (final), or {@code QUEUED} (retry)
 * @param at            when the attempt ended
 * @param nextAttemptAt for a retry: when it is due again; null otherwise
 * @param smtpResponse  the server's reply, may be null
 * @param error         why it failed, null when sent
 * @param recipients    per-recipient results, may be empty
 * @param event         the event to record with it
 */
public record DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse,
                             String error, List<RecipientResult> recipients, EmailEvent event) {

    public DeliveryUpdate {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        recipients = List.copyOf(recipients == null ? List.of() : recipients);
        if (status == EmailStatus.QUEUED) {
            Objects.requireNonNull(nextAttemptAt, "nextAttemptAt of a retry");
        } else if (status != EmailStatus.SENT && status != EmailStatus.BOUNCED && status != EmailStatus.DROPPED) {
            throw new IllegalArgumentException("not a delivery outcome: " + status);
        }
    }

    public boolean isRetry() {
        return status == EmailStatus.QUEUED;
    }

    /**
     * The message's metadata after this outcome, the same for every store: status, server reply and error;
     * for a retry the next attempt; for a final outcome its time stamp, no next attempt and, when given, the
     * per-recipient results.
     */
    public EmailMetadata applyTo(EmailMetadata metadata) {
        EmailMetadata.Builder after = metadata.toBuilder().status(status).smtpResponse(smtpResponse).error(error);
        if (isRetry()) {
            return after.nextAttemptAt(nextAttemptAt).build();
        }
        switch (status) {
            case SENT -> after.sentAt(at);
            case BOUNCED -> after.bouncedAt(at);
            default -> after.droppedAt(at);
        }
        after.nextAttemptAt(null);
        if (!recipients.isEmpty()) {
            after.recipients(recipients);
        }
        return after.build();
    }
}
