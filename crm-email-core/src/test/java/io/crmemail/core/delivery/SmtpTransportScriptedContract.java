package io.crmemail.core.delivery;

import static io.crmemail.core.delivery.SmtpTestMessages.BOUNCES;
import static io.crmemail.core.delivery.SmtpTestMessages.envelope;
import static io.crmemail.core.delivery.SmtpTestMessages.message;
import static io.crmemail.core.delivery.SmtpTestMessages.plain;
import static io.crmemail.core.delivery.SmtpTestMessages.sendConcurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link MailTransport} against {@link ScriptedSmtpServer}: the same replies must come to the same
 * outcomes whichever SMTP client sends ({@link SmtpTransportScriptedTest} for Angus,
 * {@link PipelinedSmtpTransportScriptedTest} for our own).
 */
abstract class SmtpTransportScriptedContract {

    final ScriptedSmtpServer server = ScriptedSmtpServer.start();
    private final List<MailTransport> transports = new ArrayList<>();

    /** A new transport for the integration; a sender waits at most {@code acquireTimeout} for a connection. */
    abstract MailTransport create(SmtpIntegration integration, Duration acquireTimeout);

    /** Sets how long a connection may sit idle before it is checked with NOOP. */
    abstract void staleAfter(MailTransport transport, Duration idle);

    @AfterEach
    void tearDown() {
        transports.forEach(MailTransport::close);
        server.close();
    }

    MailTransport create(SmtpIntegration integration) {
        MailTransport t = create(integration, integration.readTimeout());
        transports.add(t);
        return t;
    }

    MailTransport transport(int maxConnections) {
        return create(plain(server.host(), server.port()).maxConnections(maxConnections).build());
    }

    @Test
    void fiftyMessagesTravelOverOneReusedConnection() throws Exception {
        MailTransport transport = transport(1);
        for (int i = 0; i < 50; i++) {
            TransportResult r = transport.send(message("m" + i, "a@x.example"), envelope("a@x.example"));
            assertThat(r.outcome()).as("message %d: %s", i, r).isEqualTo(Outcome.SENT);
        }
        assertThat(server.awaitMessages(50, Duration.ofSeconds(5))).hasSize(50);
        assertThat(server.connectionsOpened()).isEqualTo(1);
        ScriptedSmtpServer.Received first = server.messages().get(0);
        assertThat(first.mailFrom()).isEqualTo(BOUNCES);
        assertThat(first.text()).contains("Subject: m0").contains("\r\n.a line with a leading dot\r\n");
    }

    @Test
    void successReportsEveryRecipientAndTheServerReply() throws Exception {
        TransportResult r = transport(1).send(message("hi", "a@x.example"),
                envelope("a@x.example", "cc@y.example", "hidden@z.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.serverReply()).startsWith("250 OK queued as 1.1");
        assertThat(r.recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a@x.example", true),
                        org.assertj.core.groups.Tuple.tuple("cc@y.example", true),
                        org.assertj.core.groups.Tuple.tuple("hidden@z.example", true));
        ScriptedSmtpServer.Received got = server.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(got.recipients()).containsExactly("a@x.example", "cc@y.example", "hidden@z.example");
        assertThat(got.mailFrom()).isEqualTo(BOUNCES);
        assertThat(got.text()).doesNotContain("hidden@z.example");
    }

    @Test
    void concurrentSendersShareAtMostMaxConnections() throws Exception {
        MailTransport transport = transport(3);
        server.delayReplies(Duration.ofMillis(2));
        assertThat(sendConcurrently(transport, 60)).hasSize(60).containsOnly(Outcome.SENT);
        assertThat(server.messages()).hasSize(60);
        assertThat(server.connectionsOpened()).isBetween(1, 3);
    }

    @Test
    void oneRefusedRecipientOfTwoStillSendsToTheOther() throws Exception {
        server.rejectRecipient("gone@x.example", 550, "5.1.1 <gone@x.example>: no such user");

        TransportResult r = transport(1).send(message("p", "ok@x.example"), envelope("ok@x.example", "gone@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.recipients()).containsExactly(
                new RecipientResult("ok@x.example", true, 250, r.serverReply()),
                new RecipientResult("gone@x.example", false, 550, "550 5.1.1 <gone@x.example>: no such user"));
        assertThat(server.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("ok@x.example");
    }

    @Test
    void everyRecipientRefusedPermanentlyIsAPermanentFailure() throws Exception {
        server.rejectRecipient("@x.example", 550, "5.1.1 no such user");
        MailTransport transport = transport(1);

        TransportResult r = transport.send(message("p", "a@x.example"), envelope("a@x.example", "b@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.serverReply()).isEqualTo("550 5.1.1 no such user");
        assertThat(r.recipients()).extracting(RecipientResult::email, RecipientResult::accepted, RecipientResult::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a@x.example", false, 550),
                        org.assertj.core.groups.Tuple.tuple("b@x.example", false, 550));
        // the transport recovers for the next message
        assertThat(transport.send(message("q", "c@y.example"), envelope("c@y.example")).outcome()).isEqualTo(Outcome.SENT);
    }

    @Test
    void aTemporarilyRefusedRecipientIsATransientFailure() throws Exception {
        server.rejectRecipient("a@x.example", 451, "4.3.0 try again later");

        TransportResult r = transport(1).send(message("t", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.code()).isEqualTo(451);
        assertThat(r.recipients()).containsExactly(
                new RecipientResult("a@x.example", false, 451, "451 4.3.0 try again later"));
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void dataRefusedWith554IsAPermanentFailure() throws Exception {
        server.replyToData(554, "5.7.1 message content rejected");

        TransportResult r = transport(1).send(message("d", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(r.code()).isEqualTo(554);
        assertThat(r.serverReply()).isEqualTo("554 5.7.1 message content rejected");
    }

    @Test
    void mailFromAnsweredWith421IsATransientFailure() throws Exception {
        server.replyToMailFrom(421, "4.7.0 too busy, closing");

        TransportResult r = transport(1).send(message("b", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.code()).isEqualTo(421);
        assertThat(r.serverReply()).contains("too busy");
    }

    @Test
    void mailFromRefusedWith550IsAPermanentFailure() throws Exception {
        server.replyToMailFrom(550, "5.7.1 sender not allowed");

        TransportResult r = transport(1).send(message("b", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(r.code()).isEqualTo(550);
    }

    @Test
    void connectionsClosedByTheServerAreReplacedAndTheMessageResent() throws Exception {
        server.dropConnectionAfterMessages(1);
        MailTransport transport = transport(1);

        for (int i = 0; i < 5; i++) {
            TransportResult r = transport.send(message("s" + i, "a@x.example"), envelope("a@x.example"));
            assertThat(r.outcome()).as("message %d: %s", i, r).isEqualTo(Outcome.SENT);
        }
        assertThat(server.awaitMessages(5, Duration.ofSeconds(5))).hasSize(5);
        assertThat(server.connectionsOpened()).isEqualTo(5);
    }

    @Test
    void idleConnectionsAreCheckedWithNoopBeforeReuse() throws Exception {
        server.dropConnectionAfterMessages(1);
        MailTransport transport = transport(1);
        staleAfter(transport, Duration.ZERO);

        assertThat(transport.send(message("1", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        assertThat(transport.send(message("2", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        assertThat(server.connectionsOpened()).isEqualTo(2);
    }

    @Test
    void nothingListeningIsATransientFailureWithoutDelay() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MailTransport transport = create(plain("127.0.0.1", port).connectTimeout(Duration.ofMillis(500)).build());

        long start = System.nanoTime();
        TransportResult r = transport.send(message("n", "a@x.example"), envelope("a@x.example"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.code()).isZero();
        assertThat(r.serverReply()).startsWith("connect to 127.0.0.1:" + port + " failed: ")
                .containsIgnoringCase("refused");
    }

    @Test
    void requiredStartTlsNotOfferedIsATransientFailure() throws Exception {
        MailTransport transport = create(plain(server.host(), server.port()).security(SmtpSecurity.STARTTLS).build());

        TransportResult r = transport.send(message("s", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).contains("STARTTLS");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void aSenderWaitsOnlyBoundedlyForABusyConnection() throws Exception {
        server.delayReplies(Duration.ofMillis(150));
        MailTransport transport = create(plain(server.host(), server.port()).build(), Duration.ofMillis(100));
        transports.add(transport);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<TransportResult> slow = pool.submit(() -> transport.send(message("slow", "a@x.example"),
                    envelope("a@x.example")));
            Thread.sleep(200); // the first sender now holds the only connection
            TransportResult waiting = transport.send(message("w", "a@x.example"), envelope("a@x.example"));

            assertThat(waiting.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
            assertThat(waiting.serverReply()).startsWith("no connection available");
            assertThat(slow.get().outcome()).isEqualTo(Outcome.SENT);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sendsAfterCloseFailTransientlyAndNothingIsLeftOpen() throws Exception {
        MailTransport transport = transport(2);
        assertThat(transport.send(message("1", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);

        transport.close();
        TransportResult r = transport.send(message("2", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).contains("closed");
    }

    @Test
    void anInvalidEnvelopeAddressIsRefusedWithoutConnecting() throws Exception {
        TransportResult r = transport(1).send(message("x", "a@x.example"),
                new Envelope("evil@x.example>\r\nRCPT TO:<y@z.example", List.of("a@x.example")));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(server.connectionsOpened()).isZero();
    }

    @Test
    void aServerTooSlowToAnswerIsATransientFailureAfterTheReadTimeout() throws Exception {
        server.delayReplies(Duration.ofSeconds(2));
        MailTransport transport = create(plain(server.host(), server.port()).readTimeout(Duration.ofMillis(300)).build());

        long start = System.nanoTime();
        TransportResult r = transport.send(message("slow", "a@x.example"), envelope("a@x.example"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.code()).isZero();
        assertThat(r.serverReply()).containsIgnoringCase("timed out");
    }
    @Test
    void aTemporarilyRefusedRecipientOfTwoIsReportedAndTheOtherReceivesIt() throws Exception {
        server.rejectRecipient("busy@x.example", 451, "4.2.1 mailbox busy");

        TransportResult r = transport(1).send(message("p", "ok@x.example"), envelope("busy@x.example", "ok@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(r.recipients()).containsExactly(
                new RecipientResult("busy@x.example", false, 451, "451 4.2.1 mailbox busy"),
                new RecipientResult("ok@x.example", true, 250, r.serverReply()));
        assertThat(server.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("ok@x.example");
    }

    @Test
    void theDataCommandRefusedWith554IsAPermanentFailureAndTheNextMessageGoesThrough() throws Exception {
        server.replyToDataCommand(554, "5.3.4 message too big for system");
        MailTransport transport = transport(1);

        TransportResult r = transport.send(message("d", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(r.code()).isEqualTo(554);
        assertThat(r.serverReply()).isEqualTo("554 5.3.4 message too big for system");
        assertThat(transport.send(message("e", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).extracting(m -> m.text().contains("Subject: e"))
                .containsExactly(true);
    }

    @Test
    void after421MidSessionTheNextMessageGoesOverANewConnection() throws Exception {
        MailTransport transport = transport(1);
        assertThat(transport.send(message("1", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        server.replyToMailFrom(421, "4.3.2 shutting down");

        TransportResult refused = transport.send(message("2", "a@x.example"), envelope("a@x.example"));
        TransportResult next = transport.send(message("3", "a@x.example"), envelope("a@x.example"));

        assertThat(refused.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(refused.code()).isEqualTo(421);
        assertThat(next.outcome()).as(next.toString()).isEqualTo(Outcome.SENT);
        List<ScriptedSmtpServer.Received> got = server.awaitMessages(2, Duration.ofSeconds(5));
        assertThat(got).extracting(ScriptedSmtpServer.Received::connection).containsExactly(1, 2);
    }

    @Test
    void dotsAtLineStartsAndBareLineEndsArriveIntactAndHeadersBccAndContentLengthAreNotSent() throws Exception {
        MimeMessage m = message("dots", "a@x.example");
        m.setText(".\r\n..two\nbare lf\rbare cr\r\n.\r\nend", "US-ASCII");
        m.setRecipients(jakarta.mail.Message.RecipientType.BCC, "hidden@z.example");
        m.setHeader("Content-Length", "12");
        m.saveChanges();

        TransportResult r = transport(1).send(m, envelope("a@x.example", "hidden@z.example"));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SENT);
        String text = server.awaitMessages(1, Duration.ofSeconds(5)).get(0).text();
        assertThat(text).endsWith("\r\n\r\n.\r\n..two\r\nbare lf\r\nbare cr\r\n.\r\nend\r\n")
                .doesNotContain("hidden@z.example").doesNotContain("Content-Length");
    }
}
