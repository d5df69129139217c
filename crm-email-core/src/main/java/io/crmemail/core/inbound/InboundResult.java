package io.crmemail.core.inbound;

/**
 * What became of a received message.
 *
 * @param outcome   stored, duplicate of one already stored, or dropped
 * @param commentId the {@code email_in} comment (stored or the existing duplicate), null when dropped
 * @param reason    why it was dropped, null otherwise
 */
public record InboundResult(Outcome outcome, Long commentId, String reason) {

    public enum Outcome {
        STORED, DUPLICATE, DROPPED
    }

    public static InboundResult stored(long commentId) {
        return new InboundResult(Outcome.STORED, commentId, null);
    }

    public static InboundResult duplicate(long commentId) {
        return new InboundResult(Outcome.DUPLICATE, commentId, null);
    }

    public static InboundResult dropped(String reason) {
        return new InboundResult(Outcome.DROPPED, null, reason);
    }
}
