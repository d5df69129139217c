package io.crmemail.core.inbound;

/**
 * What became of a received message.
 *
 * @param outcome   stored, duplicate of one already stored, a bounce applied to the original (a delivery report
 *                  with at least one failed recipient; deliveries reported beside it are applied too), delivered
 *                  (a delivery report that only confirms deliveries), dropped (the message is unusable: never
 *                  worth sending again), or failed (our side failed, e.g. the store is down: the sender should
 *                  deliver it again later)
 * @param commentId the {@code email_in} comment (stored or the existing duplicate), or for a bounce or delivery
 *                  report the original outbound message; null when dropped
 * @param reason    why it was dropped or failed, null otherwise
 */
public record InboundResult(Outcome outcome, Long commentId, String reason) {

    public enum Outcome {
        STORED, DUPLICATE, BOUNCE, DELIVERED, DROPPED, FAILED
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

    public static InboundResult delivered(long originalId) {
        return new InboundResult(Outcome.DELIVERED, originalId, null);
    }

    public static InboundResult failed(String reason) {
        return new InboundResult(Outcome.FAILED, null, reason);
    }

    public static InboundResult dropped(String reason) {
        return new InboundResult(Outcome.DROPPED, null, reason);
    }
}
