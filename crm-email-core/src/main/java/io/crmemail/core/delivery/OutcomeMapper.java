package io.crmemail.core.delivery;

import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns what a transport said into the store update and event for the message. */
final class OutcomeMapper {

    private final RetryPolicy retryPolicy;

    OutcomeMapper(RetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
    }

    /**
     * @param skipped recipients left out before transmission (suppressed), reported with the others
     */
    DeliveryUpdate map(DeliveryJob job, TransportResult result, Instant now, List<RecipientResult> skipped) {
        long id = job.messageId();
        List<RecipientResult> recipients = new ArrayList<>(result.recipients());
        recipients.addAll(skipped);
        return switch (result.outcome()) {
            case SENT -> {
                List<RecipientResult> rejected = recipients.stream().filter(r -> !r.accepted()).toList();
                String error = rejected.isEmpty() ? null : "some recipients were refused: " + rejected.stream()
                        .map(r -> r.email() + " (" + r.code() + " " + r.response() + ")")
                        .collect(Collectors.joining(", "));
                Map<String, String> details = new LinkedHashMap<>();
                details.put("smtpResponse", String.valueOf(result.serverReply()));
                if (!rejected.isEmpty()) {
                    details.put("rejected", String.valueOf(rejected.size()));
                }
                yield new DeliveryUpdate(EmailStatus.SENT, now, null, result.serverReply(), error,
                        recipients, EmailEvent.of(id, EventType.SENT, now, details));
            }
            case PERMANENT_FAILURE -> {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("code", String.valueOf(result.code()));
                details.put("diagnostic", String.valueOf(result.serverReply()));
                details.put("kind", "hard");
                yield new DeliveryUpdate(EmailStatus.BOUNCED, now, null, result.serverReply(),
                        describe(result), recipients, EmailEvent.of(id, EventType.BOUNCE, now, details));
            }
            case TRANSIENT_FAILURE -> transientFailure(job, describe(result), result.serverReply(), now);
            case NOT_SENDABLE -> drop(job, result.serverReply(), null, now);
        };
    }

    /** A failure worth retrying: retry with backoff, or drop once the attempts are used up. */
    DeliveryUpdate transientFailure(DeliveryJob job, String error, String smtpResponse, Instant now) {
        long id = job.messageId();
        int attempt = job.attempt();
        if (retryPolicy.shouldRetry(attempt)) {
            Instant next = now.plus(retryPolicy.delayAfter(attempt));
            return new DeliveryUpdate(EmailStatus.QUEUED, now, next, smtpResponse, error, List.of(),
                    EmailEvent.of(id, EventType.RETRY, now, Map.of("attempt", String.valueOf(attempt),
                            "error", error, "nextAttemptAt", next.toString())));
        }
        String reason = "gave up after " + attempt + " attempts: " + error;
        return drop(job, reason, smtpResponse, now);
    }

    /** Every recipient is on the suppression list: nothing to send, reason {@code suppressed}. */
    DeliveryUpdate suppressed(DeliveryJob job, List<RecipientResult> skipped, Instant now) {
        String reason = "suppressed: " + skipped.stream().map(RecipientResult::email)
                .collect(Collectors.joining(", "));
        return new DeliveryUpdate(EmailStatus.DROPPED, now, null, null, reason, skipped,
                EmailEvent.of(job.messageId(), EventType.DROPPED, now, Map.of("reason", "suppressed")));
    }

    /** Given up for good. */
    DeliveryUpdate drop(DeliveryJob job, String reason, String smtpResponse, Instant now) {
        return new DeliveryUpdate(EmailStatus.DROPPED, now, null, smtpResponse, reason, List.of(),
                EmailEvent.of(job.messageId(), EventType.DROPPED, now, Map.of("reason", reason)));
    }

    private static String describe(TransportResult result) {
        String reply = result.serverReply() == null ? "no reply" : result.serverReply();
        return result.code() > 0 && !reply.startsWith(String.valueOf(result.code()))
                ? result.code() + " " + reply : reply;
    }
}
