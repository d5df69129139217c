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

    /**
     * @param skipped recipients left out before transmission (suppressed), reported with the others
     * @param policy  the attempt's backoff (see {@link #transientFailure})
     */
    DeliveryUpdate map(DeliveryJob job, TransportResult result, Instant now, List<RecipientResult> skipped,
                       RetryPolicy policy) {
        long id = job.messageId();
        List<RecipientResult> recipients = new ArrayList<>(result.recipients());
        recipients.addAll(skipped);
        DeliveryUpdate update = switch (result.outcome()) {
            case SENT -> {
                List<RecipientResult> deferred = result.deferred();
                if (!deferred.isEmpty() && policy.shouldRetry(job.attempt())) {
                    DeliveryUpdate retry = retry(job, "deferred: " + list(deferred), result.serverReply(), now,
                            recipients, policy, recipients.stream().filter(RecipientResult::accepted).count());
                    // The first acceptance is when the message was sent, whatever becomes of the deferred ones.
                    yield acceptedBefore(job) ? retry : retry.withSentEvent(EmailEvent.of(id, EventType.SENT, now,
                            sentDetails(result.serverReply(), recipients)));
                }
                yield sent(job, null, result.serverReply(), recipients, now, EmailEvent.of(id, EventType.SENT, now,
                        sentDetails(result.serverReply(), recipients)));
            }
            case PERMANENT_FAILURE -> {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("code", String.valueOf(result.code()));
                details.put("diagnostic", String.valueOf(result.serverReply()));
                details.put("kind", "hard");
                EmailEvent bounce = EmailEvent.of(id, EventType.BOUNCE, now, details);
                yield acceptedBefore(job)
                        ? sent(job, null, result.serverReply(), recipients, now, bounce)
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

    /**
     * A failure worth retrying: retry with {@code policy}'s backoff (the attempt's transport's, see
     * {@link MailTransport#retryPolicy()}), or drop once its attempts are used up.
     */
    DeliveryUpdate transientFailure(DeliveryJob job, String error, String smtpResponse, Instant now,
                                    RetryPolicy policy) {
        return transientFailure(job, error, smtpResponse, now, List.of(), policy);
    }

    private DeliveryUpdate transientFailure(DeliveryJob job, String error, String smtpResponse, Instant now,
                                            List<RecipientResult> recipients, RetryPolicy policy) {
        int attempt = job.attempt();
        if (policy.shouldRetry(attempt)) {
            return retry(job, error, smtpResponse, now, recipients, policy, 0);
        }
        String reason = "gave up after " + attempt + " attempts: " + error;
        return end(job, reason, reason, smtpResponse, recipients, now);
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

    /**
     * Sent to some recipients at least (now or in an earlier attempt); the error names those who did not get it,
     * after {@code reason} (why the rest was given up on) when there is one.
     */
    private static DeliveryUpdate sent(DeliveryJob job, String reason, String reply, List<RecipientResult> recipients,
                                       Instant now, EmailEvent event) {
        // Recipients settled by earlier attempts count too: the message's error is about the whole message.
        Set<String> current = recipients.stream().map(r -> r.email().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<RecipientResult> missed = new ArrayList<>();
        job.message().metadata().recipients().stream()
                .filter(r -> !r.accepted() && !current.contains(r.email().toLowerCase(Locale.ROOT))).forEach(missed::add);
        recipients.stream().filter(r -> !r.accepted()).forEach(missed::add);
        String refused = missed.isEmpty() ? null : "some recipients were refused: " + list(missed);
        String error = reason == null ? refused : refused == null ? reason : reason + "; " + refused;
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

    /** Every recipient left is on the suppression list: nothing to send, reason {@code suppressed}. */
    DeliveryUpdate suppressed(DeliveryJob job, List<RecipientResult> skipped, Instant now) {
        String reason = "suppressed: " + skipped.stream().map(RecipientResult::email)
                .collect(Collectors.joining(", "));
        return end(job, reason, "suppressed", null, skipped, now);
    }

    /** Given up for good. */
    DeliveryUpdate drop(DeliveryJob job, String reason, String smtpResponse, Instant now) {
        return end(job, reason, reason, smtpResponse, List.of(), now);
    }

    /**
     * The one way a message ends without (more) acceptance: dropped, or {@code sent} when an earlier attempt got it
     * accepted for some recipients, since they have it whatever befalls the rest. The reason is in the error and
     * in the {@code dropped} event either way.
     *
     * @param eventReason the event's reason (may be shorter than the error)
     */
    private static DeliveryUpdate end(DeliveryJob job, String error, String eventReason, String smtpResponse,
                                      List<RecipientResult> recipients, Instant now) {
        EmailEvent dropped = EmailEvent.of(job.messageId(), EventType.DROPPED, now, Map.of("reason", eventReason));
        if (acceptedBefore(job)) {
            return sent(job, error, smtpResponse, recipients, now, dropped);
        }
        return new DeliveryUpdate(EmailStatus.DROPPED, now, null, smtpResponse, error, recipients, dropped);
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
