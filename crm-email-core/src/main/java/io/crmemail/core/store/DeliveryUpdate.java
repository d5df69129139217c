package io.crmemail.core.store;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.tracking.EmailEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * @param deliveredEvent  a {@code delivered} event when the recipients' own mail exchangers accepted the message
 *                        (direct delivery): recorded after {@code event}, and {@code deliveredAt} is stamped with
 *                        its time unless already set; null otherwise
 * @param sentEvent       a {@code sent} event when this retry's attempt got the message accepted for some recipients
 *                        for the first time: recorded before {@code event}, and {@code sentAt} is stamped with its
 *                        time unless already set, so a message that reached someone says so whatever happens to
 *                        the rest; null otherwise
 */
public record DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse,
                             String error, List<RecipientResult> recipients, EmailEvent event,
                             String renderedSubject, EmailEvent deliveredEvent, EmailEvent sentEvent) {

    /** An outcome without a rendered subject (nothing was composed). */
    public DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse, String error,
                          List<RecipientResult> recipients, EmailEvent event) {
        this(status, at, nextAttemptAt, smtpResponse, error, recipients, event, null, null);
    }

    /** An outcome without a delivered event. */
    public DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse, String error,
                          List<RecipientResult> recipients, EmailEvent event, String renderedSubject) {
        this(status, at, nextAttemptAt, smtpResponse, error, recipients, event, renderedSubject, null);
    }

    /** An outcome without a leading sent event. */
    public DeliveryUpdate(EmailStatus status, Instant at, Instant nextAttemptAt, String smtpResponse, String error,
                          List<RecipientResult> recipients, EmailEvent event, String renderedSubject,
                          EmailEvent deliveredEvent) {
        this(status, at, nextAttemptAt, smtpResponse, error, recipients, event, renderedSubject, deliveredEvent,
                null);
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
        return new DeliveryUpdate(status, at, nextAttemptAt, smtpResponse, error, recipients, event, subject,
                deliveredEvent, sentEvent);
    }

    /** This outcome, also recording that the recipients' mail exchangers accepted the message. */
    public DeliveryUpdate withDeliveredEvent(EmailEvent delivered) {
        return new DeliveryUpdate(status, at, nextAttemptAt, smtpResponse, error, recipients, event, renderedSubject,
                delivered, sentEvent);
    }

    /** This retry, also recording that its attempt first got the message accepted (see {@link #sentEvent}). */
    public DeliveryUpdate withSentEvent(EmailEvent sent) {
        return new DeliveryUpdate(status, at, nextAttemptAt, smtpResponse, error, recipients, event, renderedSubject,
                deliveredEvent, sent);
    }

    /** The events to record, in order: {@link #sentEvent}, {@link #event}, {@link #deliveredEvent}. */
    public List<EmailEvent> events() {
        List<EmailEvent> out = new ArrayList<>(3);
        if (sentEvent != null) {
            out.add(sentEvent);
        }
        if (event != null) {
            out.add(event);
        }
        if (deliveredEvent != null) {
            out.add(deliveredEvent);
        }
        return out;
    }

    public boolean isRetry() {
        return status == EmailStatus.QUEUED;
    }

    /**
     * The message's metadata after this outcome, the same for every store: status, server reply and error;
     * for a retry the next attempt; for a final outcome its time stamp (a {@code sentAt}
     * set by an earlier partial attempt stays) and no next attempt. Per-recipient results,
     * when given, are merged into the stored ones by address (case-insensitive), the newer winning: a retry keeps
     * the verdicts of earlier attempts, so recipients that already accepted are not sent to again.
     */
    public EmailMetadata applyTo(EmailMetadata metadata) {
        EmailMetadata.Builder after = metadata.toBuilder().status(status).smtpResponse(smtpResponse).error(error);
        if (renderedSubject != null) {
            after.renderedSubject(renderedSubject);
        }
        if (!recipients.isEmpty()) {
            after.recipients(merge(metadata.recipients(), recipients));
        }
        if (deliveredEvent != null && metadata.deliveredAt() == null) {
            after.deliveredAt(deliveredEvent.occurredAt());
        }
        if (sentEvent != null && metadata.sentAt() == null) {
            after.sentAt(sentEvent.occurredAt());
        }
        if (isRetry()) {
            return after.nextAttemptAt(nextAttemptAt).build();
        }
        switch (status) {
            // Sent means first accepted: an earlier partial attempt's time stays.
            case SENT -> after.sentAt(metadata.sentAt() != null ? metadata.sentAt() : at);
            case BOUNCED -> after.bouncedAt(at);
            default -> after.droppedAt(at);
        }
        after.nextAttemptAt(null);
        return after.build();
    }

    private static List<RecipientResult> merge(List<RecipientResult> earlier, List<RecipientResult> now) {
        Map<String, RecipientResult> byAddress = new LinkedHashMap<>();
        for (List<RecipientResult> list : List.of(earlier, now)) {
            list.forEach(r -> byAddress.put(r.email().toLowerCase(Locale.ROOT), r));
        }
        return List.copyOf(byAddress.values());
    }
}
