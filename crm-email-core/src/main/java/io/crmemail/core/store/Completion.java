package io.crmemail.core.store;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One message's outcome in {@link EmailStore#completeAll}. */
public record Completion(long messageId, DeliveryUpdate update) {

    public Completion {
        Objects.requireNonNull(update, "update");
    }

    /**
     * Checks a {@link EmailStore#completeAll} argument before anything is written: no null, no message twice.
     *
     * @throws IllegalArgumentException naming the message given twice
     */
    public static void requireDistinct(List<Completion> completions) {
        Objects.requireNonNull(completions, "completions");
        Set<Long> seen = new HashSet<>();
        for (Completion c : completions) {
            Objects.requireNonNull(c, "completion");
            if (!seen.add(c.messageId())) {
                throw new IllegalArgumentException("completions: message " + c.messageId() + " given twice");
            }
        }
    }
}
