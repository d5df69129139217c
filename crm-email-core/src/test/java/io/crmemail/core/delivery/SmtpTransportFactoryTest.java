package io.crmemail.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SmtpTransportFactoryTest {

    private static SmtpIntegration.Builder base() {
        return SmtpIntegration.builder().host("smtp.example").port(587)
                .connectTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ofSeconds(20));
    }

    @Test
    void startTlsIsEnabledAndRequiredWithTimeoutsAndPartialSending() {
        Properties p = new SmtpTransportFactory().sessionProperties(base().security(SmtpSecurity.STARTTLS).build());

        assertThat(p.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.connectiontimeout")).isEqualTo("3000");
        assertThat(p.getProperty("mail.smtp.timeout")).isEqualTo("20000");
        assertThat(p.getProperty("mail.smtp.writetimeout")).isEqualTo("20000");
        assertThat(p.getProperty("mail.smtp.sendpartial")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.auth")).isEqualTo("false");
    }

    @Test
    void implicitTlsUsesTheSmtpsProtocolAndAuthWhenCredentialsAreSet() {
        Properties p = new SmtpTransportFactory().sessionProperties(base().port(465).security(SmtpSecurity.TLS)
                .credentials("user", "secret").build());

        assertThat(p.getProperty("mail.smtps.ssl.enable")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtps.auth")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtps.sendpartial")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtps.port")).isEqualTo("465");
        assertThat(p.values()).doesNotContain("secret");
    }

    @Test
    void extraPropertiesOverrideTheComputedOnes() {
        Properties extra = new Properties();
        extra.setProperty("mail.smtp.timeout", "1234");
        extra.setProperty("mail.smtp.ssl.trust", "*");

        Properties p = new SmtpTransportFactory(extra).sessionProperties(base().build());

        assertThat(p.getProperty("mail.smtp.timeout")).isEqualTo("1234");
        assertThat(p.getProperty("mail.smtp.ssl.trust")).isEqualTo("*");
    }

    @Test
    void eachSessionHasItsOwnProperties() {
        SmtpTransportFactory factory = new SmtpTransportFactory();
        SmtpIntegration integration = base().build();

        assertThat(factory.session(integration).getProperties())
                .isNotSameAs(factory.session(integration).getProperties());
    }
}
