package io.crmemail.core.inbound;

/**
 * How many inbound messages were stored, recognised as duplicates, bounces or delivery confirmations, dropped
 * as unusable, or failed on our side (to be delivered again) since start.
 */
public record InboundCounts(long stored, long duplicates, long bounces, long deliveryReports, long dropped,
                            long failed) {
}
