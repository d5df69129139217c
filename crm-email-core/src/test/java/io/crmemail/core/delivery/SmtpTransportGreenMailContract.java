package io.crmemail.core.delivery;

import static io.crmemail.core.delivery.SmtpTestMessages.BOUNCES;
import static io.crmemail.core.delivery.SmtpTestMessages.envelope;
import static io.crmemail.core.delivery.SmtpTestMessages.message;
import static io.crmemail.core.delivery.SmtpTestMessages.plain;
import static io.crmemail.core.delivery.SmtpTestMessages.sendConcurrently;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link MailTransport} against GreenMail, a real SMTP server in-process (plain and implicit TLS, with
 * AUTH); {@link SmtpTransportGreenMailTest} for Angus, {@link PipelinedSmtpTransportGreenMailTest} for our own.
 */
abstract class SmtpTransportGreenMailContract {

    // Dynamic ports: other builds on this machine may run GreenMail at the same time.
    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(
            new ServerSetup[] {patient(ServerSetupTest.SMTP.dynamicPort()), patient(ServerSetupTest.SMTPS.dynamicPort())});

    /** The default 2 s to start (TLS included) is too short while other builds load this machine. */
    private static ServerSetup patient(ServerSetup setup) {
        setup.setServerStartupTimeout(15_000);
        return setup;
    }

    private final List<MailTransport> transports = new ArrayList<>();

    /** The factory under test, given the session properties that trust GreenMail's self-signed certificate. */
    abstract SmtpTransportFactory factory(Properties trustSelfSigned);

    @AfterEach
    void closeTransports() {
        transports.forEach(MailTransport::close);
    }

    MailTransport transport(SmtpIntegration integration) {
        Properties trustSelfSigned = new Properties();
        trustSelfSigned.setProperty("mail.smtps.ssl.trust", "*");
        trustSelfSigned.setProperty("mail.smtps.ssl.checkserveridentity", "false");
        MailTransport t = factory(trustSelfSigned).create(integration);
        transports.add(t);
        return t;
    }

    SmtpIntegration.Builder smtp() {
        return plain("127.0.0.1", greenMail.getSmtp().getPort());
    }

    @Test
    void fiftyMessagesThroughOneConnectionAllArrive() throws Exception {
        MailTransport transport = transport(smtp().maxConnections(1).build());
        for (int i = 0; i < 50; i++) {
            TransportResult r = transport.send(message("g" + i, "a@x.example"), envelope("a@x.example"));
            assertThat(r.outcome()).as("message %d: %s", i, r).isEqualTo(Outcome.SENT);
        }
        assertThat(greenMail.waitForIncomingEmail(5000, 50)).isTrue();
        assertThat(greenMail.getReceivedMessages()).hasSize(50);
    }

    @Test
    void concurrentSendersAllDeliver() throws Exception {
        MailTransport transport = transport(smtp().maxConnections(3).build());
        assertThat(sendConcurrently(transport, 30)).hasSize(30).containsOnly(Outcome.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 30)).isTrue();
    }

    @Test
    void everyEnvelopeRecipientIncludingBccReceivesItFromTheEnvelopeSender() throws Exception {
        MimeMessage m = message("bcc", "to@x.example");
        m.setRecipients(Message.RecipientType.CC, "cc@y.example");
        m.saveChanges();

        TransportResult r = transport(smtp().build()).send(m, envelope("to@x.example", "cc@y.example", "hidden@z.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 3)).isTrue();
        List<MimeMessage> hidden = inboxOf("hidden@z.example");
        assertThat(hidden).hasSize(1);
        assertThat(hidden.get(0).getSubject()).isEqualTo("bcc");
        assertThat(hidden.get(0).getHeader("Return-Path")).containsExactly("<" + BOUNCES + ">");
        assertThat(hidden.get(0).getMessageID()).isEqualTo(m.getMessageID());
        assertThat(inboxOf("cc@y.example")).hasSize(1);
        assertThat(inboxOf("to@x.example")).hasSize(1);
    }

    private static List<MimeMessage> inboxOf(String email) {
        return greenMail.findReceivedMessages(u -> u.getEmail().equals(email), msg -> true).toList();
    }

    @Test
    void implicitTlsSends() throws Exception {
        MailTransport transport = transport(plain("127.0.0.1", greenMail.getSmtps().getPort())
                .security(SmtpSecurity.TLS).build());

        TransportResult r = transport.send(message("tls", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("tls");
    }

    @Test
    void correctCredentialsAuthenticate() throws Exception {
        greenMail.setUser("u@x.example", "u", "p");
        MailTransport transport = transport(smtp().credentials("u", "p").build());

        TransportResult r = transport.send(message("auth", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
    }

    @Test
    void wrongCredentialsAreATransientFailureThatSaysSoWithoutTheSecret() throws Exception {
        greenMail.setUser("u@x.example", "u", "p");
        MailTransport transport = transport(smtp().credentials("u", "wrong-secret").build());

        TransportResult r = transport.send(message("auth", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).contains("authentication failed").doesNotContain("wrong-secret");
        assertThat(r.code()).isEqualTo(535);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aSelfSignedCertificateIsRefusedUnlessTrusted() throws Exception {
        MailTransport untrusted = factory(new Properties()).create(plain("127.0.0.1", greenMail.getSmtps().getPort())
                .security(SmtpSecurity.TLS).build());
        transports.add(untrusted);

        TransportResult r = untrusted.send(message("tls", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).startsWith("connect to 127.0.0.1:" + greenMail.getSmtps().getPort() + " failed");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTrustedCertificateStillHasToNameTheHostWhenTheIdentityIsChecked() throws Exception {
        Properties trustButCheckName = new Properties();
        trustButCheckName.setProperty("mail.smtps.ssl.trust", "*");
        MailTransport checking = factory(trustButCheckName).create(plain("127.0.0.1", greenMail.getSmtps().getPort())
                .security(SmtpSecurity.TLS).build());
        transports.add(checking);

        TransportResult r = checking.send(message("tls", "a@x.example"), envelope("a@x.example"));

        // GreenMail's certificate does not name 127.0.0.1
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}
