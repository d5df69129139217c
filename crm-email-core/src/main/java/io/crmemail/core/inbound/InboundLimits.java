package io.crmemail.core.inbound;

/**
 * Caps on what an inbound message may cost. A message over a cap is dropped, never half-stored; parsers
 * without such caps have had denial-of-service CVEs.
 *
 * @param maxMessageBytes whole raw message
 * @param maxHeaderBytes  the top-level header block
 * @param maxParts        MIME parts in all
 * @param maxDepth        nesting of multiparts and attached messages
 * @param maxPerSenderPerRecordPerHour loop guard: messages accepted from one sender for one record per hour
 */
public record InboundLimits(long maxMessageBytes, int maxHeaderBytes, int maxParts, int maxDepth,
                            int maxPerSenderPerRecordPerHour) {

    public InboundLimits {
        if (maxMessageBytes < 1 || maxHeaderBytes < 1 || maxParts < 1 || maxDepth < 1
                || maxPerSenderPerRecordPerHour < 1) {
            throw new IllegalArgumentException("inbound limits must be positive");
        }
    }

    /** 50 MB, 256 KB of headers, 500 parts, nesting depth 10, 30 messages per sender and record an hour. */
    public static InboundLimits defaults() {
        return new InboundLimits(50L * 1024 * 1024, 256 * 1024, 500, 10, 30);
    }
}
