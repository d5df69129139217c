package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;

/**
 * Makes the transport of an integration. The engine creates one per integration, keeps it while the
 * integration is unchanged, and closes it on shutdown or when the integration changes.
 */
@FunctionalInterface
public interface MailTransportFactory {

    MailTransport create(SmtpIntegration integration);
}
