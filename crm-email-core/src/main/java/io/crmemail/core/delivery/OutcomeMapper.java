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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns what a transport said into the store update and event for the message.
 *
 * <p>Deferred recipients (see {@link TransportResult}) are retried on their own: when some recipients accepted
 * and others were deferred, the message goes back to the queue with the per-recipient results stored, and the
 * next attempt's envelope leaves out those already settled (see {@link MessageRenderer}). A message that reached
 * some recipients ends {@code sent} even if the others are refused or given up on later; the error says which.
 */
final class OutcomeMapper {

    private final RetryPolicy retryPolicy;

    OutcomeMapper(RetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
    }

    /**
     * @param skipped recipients left out before transmission (suppressed), reported with the others
     */
    DeliveryUpdate map(DeliveryJob job, TransportResult result, Instant now, List<RecipientResult> skipped) {
        return map(job, result, now, skipped, retryPolicy);
    }

    /** As {@link #map(DeliveryJob, TransportResult, Instant, List)}, with the transport's own backoff. */
    DeliveryUpdate map(DeliveryJob job, TransportResult result, Instant now, List<RecipientResult> skipped,
                       RetryPolicy policy) {
        long id = job.messageId();
        List<RecipientResult> recipients = new ArrayList<>(result.recipients());
        recipients.addAll(skipped);
        DeliveryUpdate update = switch (result.outcome()) {
            case SENT -> {
                List<RecipientResult> deferred = result.deferred();
                if (!deferred.isEmpty() && policy.shouldRetry(job.attempt())) {
                    yield retry(job, "deferred: " + list(deferred), result.serverReply(), now, recipients, policy,
                            recipients.stream().filter(RecipientResult::accepted).count());
                }
                yield sent(job, result.serverReply(), recipients, now, EmailEvent.of(id, EventType.SENT, now,
                        sentDetails(result.serverReply(), recipients)));
            }
            case PERMANENT_FAILURE -> {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("code", String.valueOf(result.code()));
                details.put("diagnostic", String.valueOf(result.serverReply()));
                details.put("kind", "hard");
                EmailEvent bounce = EmailEvent.of(id, EventType.BOUNCE, now, details);
                yield acceptedBefore(job)
                        ? sent(job, result.serverReply(), recipients, now, bounce)
                        : new DeliveryUpdate(EmailStatus.BOUNCED, now, null, result.serverReply(), describe(result),
                                recipients, bounce);
            }
            case TRANSIENT_FAILURE -> transientFailure(job, describe(result), result.serverReply(), now, recipients,
                    policy);
            case NOT_SENDABLE -> drop(job, result.serverReply(), null, now);
        };
        List<RecipientResult> accepted = result.recipients().stream().filter(RecipientResult::accepted).toList();
        if (result.delivered() && !accepted.isEmpty()) {
            update = update.withDeliveredEvent(EmailEvent.of(id, EventType.DELIVERED, now, Map.of(
                    "smtpResponse", String.valueOf(result.serverReply()),
                    "recipients", accepted.stream().map(RecipientResult::email).collect(Collectors.joining(", ")))));
        }
        return update;
    }

    /** A failure worth retrying: retry with backoff, or drop once the attempts are used up. */
    DeliveryUpdate transientFailure(DeliveryJob job, String error, String smtpResponse, Instant now) {
        return transientFailure(job, error, smtpResponse, now, List.of(), retryPolicy);
    }

    private DeliveryUpdate transientFailure(DeliveryJob job, String error, String smtpResponse, Instant now,
                                            List<RecipientResult> recipients, RetryPolicy policy) {
        int attempt = job.attempt();
        if (policy.shouldRetry(attempt)) {
            return retry(job, error, smtpResponse, now, recipients, policy, 0);
        }
        String reason = "gave up after " + attempt + " attempts: " + error;
        if (acceptedBefore(job)) {
            return sent(job, smtpResponse, recipients, now,
                    EmailEvent.of(job.messageId(), EventType.DROPPED, now, Map.of("reason", reason)));
        }
        return drop(job, reason, smtpResponse, now);
    }

    private static DeliveryUpdate retry(DeliveryJob job, String error, String smtpResponse, Instant now,
                                        List<RecipientResult> recipients, RetryPolicy policy, long accepted) {
        int attempt = job.attempt();
        Instant next = now.plus(policy.delayAfter(attempt));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("attempt", String.valueOf(attempt));
        details.put("error", error);
        details.put("nextAttemptAt", next.toString());
        if (accepted > 0) {
            details.put("accepted", String.valueOf(accepted));
        }
        return new DeliveryUpdate(EmailStatus.QUEUED, now, next, smtpResponse, error, recipients,
                EmailEvent.of(job.messageId(), EventType.RETRY, now, details));
    }

    /** Sent to some recipients at least (now or in an earlier attempt); the error names those who did not get it. */
    private static DeliveryUpdate sent(DeliveryJob job, String reply, List<RecipientResult> recipients, Instant now,
                                       EmailEvent event) {
        // Recipients settled by earlier attempts count too: the message's error is about the whole message.
        Set<String> current = recipients.stream().map(r -> r.email().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<RecipientResult> missed = new ArrayList<>();
        job.message().metadata().recipients().stream()
                .filter(r -> !r.accepted() && !current.contains(r.email().toLowerCase(Locale.ROOT))).forEach(missed::add);
        recipients.stream().filter(r -> !r.accepted()).forEach(missed::add);
        String error = missed.isEmpty() ? null : "some recipients were refused: " + list(missed);
        return new DeliveryUpdate(EmailStatus.SENT, now, null, reply, error, recipients, event);
    }

    private static Map<String, String> sentDetails(String reply, List<RecipientResult> recipients) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("smtpResponse", String.valueOf(reply));
        long rejected = recipients.stream().filter(r -> !r.accepted()).count();
        if (rejected > 0) {
            details.put("rejected", String.valueOf(rejected));
        }
        return details;
    }

    /** Whether an earlier attempt got the message accepted for some recipients (kept on the message). */
    private static boolean acceptedBefore(DeliveryJob job) {
        return job.message().metadata().recipients().stream().anyMatch(RecipientResult::accepted);
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

    private static String list(List<RecipientResult> recipients) {
        return recipients.stream().map(r -> r.email() + " (" + r.code() + " " + r.response() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String describe(TransportResult result) {
        String reply = result.serverReply() == null ? "no reply" : result.serverReply();
        return result.code() > 0 && !reply.startsWith(String.valueOf(result.code()))
                ? result.code() + " " + reply : reply;
    }
}
