package io.crmemail.core;

import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.EmailStore;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which of the account's integrations a message goes out through, and whether it may send as the sender.
 * Only integrations the caller may use count: account-wide ones and the caller's own connected mailboxes
 * ({@link SmtpIntegration#usableBy}); another user's mailbox is treated as if it did not exist.
 *
 * <p>For a v1 message the caller names a sender, not an integration. An integration that sends as the address
 * by name (one of its identities, or a connected mailbox's own address) wins over one that merely allows its
 * domain; at the same level the caller's own connected mailbox wins over account-wide integrations; among equals
 * the oldest (lowest id) wins, so the choice is stable as integrations are added. That includes an address
 * connected both as a Gmail and an Office 365 mailbox, unless {@code provider} picks one.
 */
final class SenderResolver {

    /** The sender and the integration that sends as it. */
    record Sender(Mailbox from, SmtpIntegration integration) {
    }

    private final EmailStore store;

    SenderResolver(EmailStore store) {
        this.store = store;
    }

    /**
     * The sender, or null after reporting why there is none on {@code from}, {@code integration_id} or
     * {@code provider} ({@code gmail} | {@code outlook}, or null for any).
     */
    Sender resolve(Caller caller, Mailbox given, Long integrationId, String providerName, List<FieldError> errors) {
        int before = errors.size();
        IntegrationKind provider = provider(providerName, errors);
        boolean badProvider = errors.size() > before;
        Mailbox from = FieldChecks.sender("from", "from", given, errors);
        if (from == null || badProvider) {
            return null;
        }
        SmtpIntegration integration;
        if (integrationId != null) {
            integration = usable(store, caller, integrationId).orElse(null);
            if (integration == null) {
                errors.add(FieldChecks.invalid("integration_id", "unknown integration " + integrationId));
                return null;
            }
            if (!sendsAs(integration, from)) {
                errors.add(FieldChecks.invalid("from", "integration " + integrationId + " does not send as "
                        + from.email() + " (neither one of its identities nor in its domains "
                        + integration.fromDomains() + ")"));
                return null;
            }
            if (provider != null && integration.kind() != provider) {
                errors.add(new FieldError(ErrorCode.INSUFFICIENT_PERMISSIONS, "provider", "integration "
                        + integrationId + " is not a connected " + provider.wire() + " mailbox"));
                return null;
            }
        } else {
            integration = choose(caller, from, provider);
            if (integration == null) {
                errors.add(provider == null
                        ? new FieldError(ErrorCode.INSUFFICIENT_PERMISSIONS, "from",
                                "no connected email integration sends as " + from.email())
                        : new FieldError(ErrorCode.INSUFFICIENT_PERMISSIONS, "provider",
                                "you have no connected " + provider.wire() + " mailbox that sends as " + from.email()));
                return null;
            }
        }
        return new Sender(withIdentityName(integration, from), integration);
    }

    /** The account's integration {@code id} when the caller may use it. */
    static Optional<SmtpIntegration> usable(EmailStore store, Caller caller, long id) {
        return store.findIntegration(id)
                .filter(i -> i.accountId() == caller.accountId() && i.usableBy(caller.userId()));
    }

    /** True when the integration may send as {@code from}: by name, or by its domain. */
    static boolean sendsAs(SmtpIntegration integration, Mailbox from) {
        return identity(integration, from).isPresent() || integration.allowsFromDomain(from.domain());
    }

    private SmtpIntegration choose(Caller caller, Mailbox from, IntegrationKind provider) {
        return store.integrations(caller.accountId()).stream()
                .filter(i -> i.accountId() == caller.accountId() && i.usableBy(caller.userId()))
                .filter(i -> provider == null || i.kind() == provider)
                .filter(i -> sendsAs(i, from))
                .min(Comparator.<SmtpIntegration>comparingInt(i -> identity(i, from).isPresent() ? 0 : 1)
                        .thenComparingInt(i -> i.ownerUserId() != null ? 0 : 1)
                        .thenComparingLong(SmtpIntegration::id))
                .orElse(null);
    }

    private static IntegrationKind provider(String name, List<FieldError> errors) {
        if (name == null) {
            return null;
        }
        IntegrationKind kind;
        try {
            kind = IntegrationKind.fromWire(name.strip());
        } catch (IllegalArgumentException e) {
            kind = null;
        }
        if (kind == null || !kind.isOAuthMailbox()) {
            errors.add(FieldChecks.invalid("provider", "provider must be gmail or outlook, got " + name));
            return null;
        }
        return kind;
    }

    /** A bare address takes the display name its identity has, so recipients see "Sales", not the address. */
    private static Mailbox withIdentityName(SmtpIntegration integration, Mailbox from) {
        if (from.name() != null) {
            return from;
        }
        return identity(integration, from).filter(m -> m.name() != null)
                .map(m -> new Mailbox(m.name(), from.email()))
                .orElse(from);
    }

    /** The identity that names {@code from}: one of the integration's, or a connected mailbox's own address. */
    private static Optional<Mailbox> identity(SmtpIntegration integration, Mailbox from) {
        String email = from.email().toLowerCase(Locale.ROOT);
        Optional<Mailbox> listed = integration.fromIdentities().stream()
                .filter(m -> m.email() != null && m.email().toLowerCase(Locale.ROOT).equals(email))
                .findFirst();
        if (listed.isPresent() || !integration.kind().isOAuthMailbox()
                || !integration.username().strip().toLowerCase(Locale.ROOT).equals(email)) {
            return listed;
        }
        return Optional.of(new Mailbox(null, from.email()));
    }
}
