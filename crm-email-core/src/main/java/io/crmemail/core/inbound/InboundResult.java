package io.crmemail.core.inbound;

/**
 * What became of a received message.
 *
 * @param outcome   stored, duplicate of one already stored, a bounce applied to the original, or dropped
 * @param commentId the {@code email_in} comment (stored or the existing duplicate), or for a bounce the
 *                  original outbound message; null when dropped
 * @param reason    why it was dropped, null otherwise
 */
public record InboundResult(Outcome outcome, Long commentId, String reason) {

    public enum Outcome {
        STORED, DUPLICATE, BOUNCE, DROPPED
    }

    public static InboundResult stored(long commentId) {
        return new InboundResult(Outcome.STORED, commentId, null);
    }

    public static InboundResult duplicate(long commentId) {
        return new InboundResult(Outcome.DUPLICATE, commentId, null);
    }

    public static InboundResult bounce(long originalId) {
        return new InboundResult(Outcome.BOUNCE, originalId, null);
    }

    public static InboundResult dropped(String reason) {
        return new InboundResult(Outcome.DROPPED, null, reason);
    }
}
