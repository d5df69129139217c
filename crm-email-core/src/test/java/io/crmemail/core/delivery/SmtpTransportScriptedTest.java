package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import java.time.Duration;

/** The scripted-server contract for {@link SmtpTransport} (Angus). */
class SmtpTransportScriptedTest extends SmtpTransportScriptedContract {

    @Override
    MailTransport create(SmtpIntegration integration, Duration acquireTimeout) {
        return new SmtpTransport(integration, () -> new SmtpTransportFactory().session(integration), acquireTimeout);
    }

    @Override
    void staleAfter(MailTransport transport, Duration idle) {
        ((SmtpTransport) transport).staleAfter(idle);
    }
}
