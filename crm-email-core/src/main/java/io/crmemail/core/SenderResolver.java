package io.crmemail.core;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.EmailStore;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which of the account's integrations a {@code /api/v1} message goes out through. The caller names a sender,
 * not an integration: one that lists the address among its identities wins over one that merely allows its
 * domain, and among equals the oldest (lowest id) wins, so the choice is stable as integrations are added.
 */
final class SenderResolver {

    /** The sender and the integration that sends as it. */
    record Sender(Mailbox from, SmtpIntegration integration) {
    }

    private final EmailStore store;

    SenderResolver(EmailStore store) {
        this.store = store;
    }

    /** The sender, or null after reporting why there is none on {@code from} or {@code integration_id}. */
    Sender resolve(Caller caller, Mailbox given, Long integrationId, List<FieldError> errors) {
        Mailbox from = FieldChecks.sender("from", "from", given, errors);
        if (from == null) {
            return null;
        }
        SmtpIntegration integration;
        if (integrationId != null) {
            integration = store.findIntegration(integrationId)
                    .filter(i -> i.accountId() == caller.accountId())
                    .orElse(null);
            if (integration == null) {
                errors.add(FieldChecks.invalid("integration_id", "unknown integration " + integrationId));
                return null;
            }
            if (identity(integration, from).isEmpty() && !integration.allowsFromDomain(from.domain())) {
                errors.add(FieldChecks.invalid("from", "integration " + integrationId + " does not send as "
                        + from.email() + " (neither one of its identities nor in its domains "
                        + integration.fromDomains() + ")"));
                return null;
            }
        } else {
            integration = choose(caller, from);
            if (integration == null) {
                errors.add(new FieldError(ErrorCode.INSUFFICIENT_PERMISSIONS, "from",
                        "no connected email integration sends as " + from.email()));
                return null;
            }
        }
        return new Sender(withIdentityName(integration, from), integration);
    }

    private SmtpIntegration choose(Caller caller, Mailbox from) {
        List<SmtpIntegration> integrations = store.integrations(caller.accountId()).stream()
                .filter(i -> i.accountId() == caller.accountId())
                .sorted(Comparator.comparingLong(SmtpIntegration::id))
                .toList();
        return integrations.stream().filter(i -> identity(i, from).isPresent()).findFirst()
                .or(() -> integrations.stream().filter(i -> i.allowsFromDomain(from.domain())).findFirst())
                .orElse(null);
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

    private static Optional<Mailbox> identity(SmtpIntegration integration, Mailbox from) {
        String email = from.email().toLowerCase(Locale.ROOT);
        return integration.fromIdentities().stream()
                .filter(m -> m.email() != null && m.email().toLowerCase(Locale.ROOT).equals(email))
                .findFirst();
    }
}
