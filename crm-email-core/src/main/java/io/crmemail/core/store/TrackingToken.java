package io.crmemail.core.store;

import io.crmemail.core.message.RecordRef;

/** A stored token: scoped to exactly one account, record and message. */
public record TrackingToken(String token, TokenKind kind, long accountId, RecordRef record, long messageId,
                            String url) {
}
