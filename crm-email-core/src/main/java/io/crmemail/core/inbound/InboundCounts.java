package io.crmemail.core.inbound;

/** How many inbound messages were stored, recognised as duplicates or bounces, or dropped since start. */
public record InboundCounts(long stored, long duplicates, long bounces, long dropped) {
}
