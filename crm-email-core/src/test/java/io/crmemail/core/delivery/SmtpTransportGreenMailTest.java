package io.crmemail.core.delivery;

import java.util.Properties;

/** The GreenMail contract for {@link SmtpTransport} (Angus). */
class SmtpTransportGreenMailTest extends SmtpTransportGreenMailContract {

    @Override
    SmtpTransportFactory factory(Properties trustSelfSigned) {
        return new SmtpTransportFactory(trustSelfSigned).pipelining(false);
    }
}
