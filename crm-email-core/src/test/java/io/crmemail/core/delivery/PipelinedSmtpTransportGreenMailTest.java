package io.crmemail.core.delivery;

import java.util.Properties;

/** The GreenMail contract for {@link PipelinedSmtpTransport}, the default for SMTP relays. */
class PipelinedSmtpTransportGreenMailTest extends SmtpTransportGreenMailContract {

    @Override
    SmtpTransportFactory factory(Properties trustSelfSigned) {
        return new SmtpTransportFactory(trustSelfSigned);
    }
}
