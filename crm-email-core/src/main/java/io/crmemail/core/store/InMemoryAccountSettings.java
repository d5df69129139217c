package io.crmemail.core.store;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.signature.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The signatures, SMTP integrations and mailbox cursors of {@link InMemoryEmailStore}. Not thread-safe: the store's
 * single lock guards it like everything else, so one lock is all a reader of the store has to reason about.
 */
final class InMemoryAccountSettings {

    /** Sorted by id, which is creation order, because listings are promised oldest first. */
    private final TreeMap<Long, Signature> signatures = new TreeMap<>();
    private final TreeMap<Long, SmtpIntegration> integrations = new TreeMap<>();
    private final Map<Long, MailboxCursor> cursors = new HashMap<>();
    private long lastSignatureId;
    private long lastIntegrationId;

    /** Assigns an id when it has none; a default signature takes that role from the user's others. */
    Signature saveSignature(Signature signature) {
        Signature stored = signature;
        if (signature.id() == 0) {
            stored = withId(signature, ++lastSignatureId);
        } else {
            // A caller-chosen id must never be handed out again later.
            lastSignatureId = Math.max(lastSignatureId, signature.id());
        }
        if (stored.isDefault()) {
            for (Map.Entry<Long, Signature> e : signatures.entrySet()) {
                Signature other = e.getValue();
                if (other.id() != stored.id() && other.isDefault() && other.accountId() == stored.accountId()
                        && other.userId() == stored.userId()) {
                    e.setValue(new Signature(other.id(), other.accountId(), other.userId(), other.name(),
                            other.html(), false, other.createdAt(), other.updatedAt()));
                }
            }
        }
        signatures.put(stored.id(), stored);
        return stored;
    }

    private static Signature withId(Signature s, long id) {
        return new Signature(id, s.accountId(), s.userId(), s.name(), s.html(), s.isDefault(), s.createdAt(),
                s.updatedAt());
    }

    Optional<Signature> findSignature(long id) {
        return Optional.ofNullable(signatures.get(id));
    }

    List<Signature> signatures(long accountId, long userId) {
        return signatures.values().stream()
                .filter(s -> s.accountId() == accountId && s.userId() == userId)
                .toList();
    }

    boolean deleteSignature(long id) {
        return signatures.remove(id) != null;
    }

    /** Assigns an id when it has none, otherwise replaces the integration with that id. */
    SmtpIntegration saveIntegration(SmtpIntegration integration) {
        SmtpIntegration stored = integration;
        if (integration.id() == 0) {
            stored = integration.toBuilder().id(++lastIntegrationId).build();
        } else {
            lastIntegrationId = Math.max(lastIntegrationId, integration.id());
        }
        integrations.put(stored.id(), stored);
        return stored;
    }

    Optional<SmtpIntegration> findIntegration(long id) {
        return Optional.ofNullable(integrations.get(id));
    }

    List<SmtpIntegration> integrations(long accountId) {
        return integrations.values().stream().filter(i -> i.accountId() == accountId).toList();
    }

    List<SmtpIntegration> integrationsWithImap() {
        return integrations.values().stream().filter(i -> i.imap() != null).toList();
    }

    Optional<MailboxCursor> mailboxCursor(long integrationId) {
        return Optional.ofNullable(cursors.get(integrationId));
    }

    void saveMailboxCursor(long integrationId, MailboxCursor read, MailboxCursor cursor) {
        cursors.merge(integrationId, cursor, (stored, now) -> replaces(stored, read, now) ? now : stored);
    }

    /** Forward only within an epoch; another epoch is replaced only by a writer that read it. */
    private static boolean replaces(MailboxCursor stored, MailboxCursor read, MailboxCursor next) {
        if (stored.sameEpoch(next)) {
            return next.lastUid() >= stored.lastUid();
        }
        return read != null && stored.sameEpoch(read);
    }
}
