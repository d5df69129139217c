package io.crmemail.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The suppression lists of {@link InMemoryEmailStore}, keyed by account and lower-cased address.
 *
 * <p>Not thread-safe: the store's single lock guards it.
 */
final class InMemorySuppressions {

    private record Key(long accountId, String email) {
    }

    /** Insertion order is creation order, which {@link #list} returns. */
    private final Map<Key, Suppression> entries = new LinkedHashMap<>();

    Suppression add(long accountId, String email, String reason, Instant at) {
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        return entries.computeIfAbsent(new Key(accountId, normalised),
                k -> new Suppression(accountId, normalised, reason, at));
    }

    Set<String> among(long accountId, Collection<String> emails) {
        Set<String> found = new HashSet<>();
        for (String email : emails) {
            String normalised = email.strip().toLowerCase(Locale.ROOT);
            if (entries.containsKey(new Key(accountId, normalised))) {
                found.add(normalised);
            }
        }
        return found;
    }

    List<Suppression> list(long accountId) {
        return entries.values().stream().filter(s -> s.accountId() == accountId).toList();
    }

    boolean remove(long accountId, String email) {
        return entries.remove(new Key(accountId, email.strip().toLowerCase(Locale.ROOT))) != null;
    }
}
