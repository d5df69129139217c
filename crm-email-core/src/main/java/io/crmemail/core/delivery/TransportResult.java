package io.crmemail.core.delivery;

import io.crmemail.core.message.RecipientResult;
import java.util.List;

/**
 * What a transport attempt came to.
 *
 * @param outcome      accepted, try again later, or refused for good
 * @param code         the deciding SMTP reply code, 0 when there was none (connection failure)
 * @param serverReply  the deciding reply (or the failure's description)
 * @param recipients   per-recipient results when the server answered per recipient
 */
public record TransportResult(Outcome outcome, int code, String serverReply, List<RecipientResult> recipients) {

    public TransportResult {
        recipients = List.copyOf(recipients == null ? List.of() : recipients);
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
}
