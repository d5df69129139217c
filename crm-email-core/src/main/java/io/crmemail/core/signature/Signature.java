package io.crmemail.core.signature;

import java.time.Instant;

/** A user's HTML email signature (sanitised on the way in). */
public record Signature(long id, long accountId, long userId, String name, String html, boolean isDefault,
                        Instant createdAt, Instant updatedAt) {
}
