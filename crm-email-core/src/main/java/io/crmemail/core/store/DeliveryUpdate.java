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
 * @param renderedSubject the subject as it was merged for this attempt (kept as {@code renderedSubject}), may
 *                        be null
 */
public record DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse,
                             String error, List<RecipientResult> recipients, EmailEvent event,
                             String renderedSubject) {

    /** An outcome without a rendered subject (nothing was composed). */
    public DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse, String error,
                          List<RecipientResult> recipients, EmailEvent event) {
        this(status, at, nextAttemptAt, smtpResponse, error, recipients, event, null);
    }

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

    /** This outcome, noting the subject as it was merged for the attempt. */
    public DeliveryUpdate withRenderedSubject(String subject) {
        return new DeliveryUpdate(status, at, nextAttemptAt, smtpResponse, error, recipients, event, subject);
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
        if (renderedSubject != null) {
            after.renderedSubject(renderedSubject);
        }
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
