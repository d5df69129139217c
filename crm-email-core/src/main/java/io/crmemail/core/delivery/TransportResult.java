package io.crmemail.core.delivery;

import io.crmemail.core.message.RecipientResult;
import java.util.List;

/**
 * What a transport attempt came to.
 *
 * <p>A recipient that was not accepted counts as <em>deferred</em> (tried again later) unless its code is 5xx:
 * a 4xx reply, or 0 when no server gave a verdict (connection trouble, DNS failure). The engine retries a
 * message for its deferred recipients only; those that accepted or were refused for good are not sent to again.
 *
 * @param outcome      accepted, try again later, or refused for good
 * @param code         the deciding SMTP reply code, 0 when there was none (connection failure)
 * @param serverReply  the deciding reply (or the failure's description)
 * @param recipients   per-recipient results when the server answered per recipient
 * @param delivered    true when the accepting servers were the recipients' own mail exchangers (direct
 *                     delivery), so acceptance means delivery, not just relaying
 */
public record TransportResult(Outcome outcome, int code, String serverReply, List<RecipientResult> recipients,
                              boolean delivered) {

    public TransportResult {
        recipients = List.copyOf(recipients == null ? List.of() : recipients);
    }

    /** A result from a relay: acceptance is not delivery. */
    public TransportResult(Outcome outcome, int code, String serverReply, List<RecipientResult> recipients) {
        this(outcome, code, serverReply, recipients, false);
    }

    public enum Outcome {
        /** The server accepted the message for at least one recipient. */
        SENT,
        /** 4xx, connection or timeout trouble: worth another try later. */
        TRANSIENT_FAILURE,
        /** 5xx for the message or every recipient: another try will not help. */
        PERMANENT_FAILURE,
        /**
         * Nothing was transmitted and another try will not help until someone acts on our side (a connected
         * mailbox whose grant was revoked must be reconnected): the message is dropped with the reason.
         */
        NOT_SENDABLE
    }

    public static TransportResult sent(int code, String reply, List<RecipientResult> recipients) {
        return new TransportResult(Outcome.SENT, code, reply, recipients);
    }

    public static TransportResult transientFailure(int code, String reply) {
        return new TransportResult(Outcome.TRANSIENT_FAILURE, code, reply, List.of());
    }

    /** See {@link Outcome#NOT_SENDABLE}; {@code reason} says what must be done. */
    public static TransportResult notSendable(String reason) {
        return new TransportResult(Outcome.NOT_SENDABLE, 0, reason, List.of());
    }

    public static TransportResult permanentFailure(int code, String reply, List<RecipientResult> recipients) {
        return new TransportResult(Outcome.PERMANENT_FAILURE, code, reply, recipients);
    }

    /** This result, marked as accepted by the recipients' own mail exchangers. */
    public TransportResult asDelivered() {
        return new TransportResult(outcome, code, serverReply, recipients, true);
    }

    /** True when a recipient neither accepted nor was refused for good: see the class comment. */
    public static boolean isDeferred(RecipientResult r) {
        return !r.accepted() && r.code() < 500;
    }

    /** The recipients to try again later. */
    public List<RecipientResult> deferred() {
        return recipients.stream().filter(TransportResult::isDeferred).toList();
    }
}
