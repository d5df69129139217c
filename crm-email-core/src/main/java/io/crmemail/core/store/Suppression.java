package io.crmemail.core.store;

import java.time.Instant;

/** An address the account no longer sends to, and why (e.g. {@code hard_bounce}, {@code manual}). */
public record Suppression(long accountId, String email, String reason, Instant createdAt) {
}
