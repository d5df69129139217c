package io.crmemail.core.delivery;

import static io.crmemail.core.delivery.SmtpTestMessages.envelope;
import static io.crmemail.core.delivery.SmtpTestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scripted-server contract for {@link PipelinedSmtpTransport}, plus what only it does: batching
 * the envelope when the server offers PIPELINING, and waiting for each reply when it does not.
 */
class PipelinedSmtpTransportScriptedTest extends SmtpTransportScriptedContract {

    @Override
    MailTransport create(SmtpIntegration integration, Duration acquireTimeout) {
        return new PipelinedSmtpTransport(integration, new SmtpTransportFactory().sessionProperties(integration),
                acquireTimeout);
    }

    @Override
    void staleAfter(MailTransport transport, Duration idle) {
        ((PipelinedSmtpTransport) transport).staleAfter(idle);
    }

    @Test
    void theFactoryMakesItForSmtpRelays() {
        MailTransport t = new SmtpTransportFactory().create(SmtpTestMessages.plain("127.0.0.1", 25).build());
        try {
            assertThat(t).isInstanceOf(PipelinedSmtpTransport.class);
        } finally {
            t.close();
        }
    }

    @Test
    void withPipeliningTheEnvelopeAndDataCommandLeaveInOneWrite() throws Exception {
        server.pipelining();
        MailTransport transport = transport(1);

        for (int i = 0; i < 20; i++) {
            TransportResult r = transport.send(message("p" + i, "a@x.example"),
                    envelope("a@x.example", "b@y.example", "c@z.example"));
            assertThat(r.outcome()).as("message %d: %s", i, r).isEqualTo(Outcome.SENT);
            assertThat(r.recipients()).allMatch(RecipientResult::accepted);
        }

        assertThat(server.awaitMessages(20, Duration.ofSeconds(5))).allSatisfy(m -> {
            assertThat(m.recipients()).containsExactly("a@x.example", "b@y.example", "c@z.example");
            assertThat(m.text()).contains("\r\n.a line with a leading dot\r\n");
        });
        assertThat(server.pipelinedGroups()).isEqualTo(20);
        assertThat(server.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        MailTransport transport = transport(1);

        for (int i = 0; i < 10; i++) {
            assertThat(transport.send(message("l" + i, "a@x.example"), envelope("a@x.example", "b@y.example"))
                    .outcome()).isEqualTo(Outcome.SENT);
        }

        assertThat(server.awaitMessages(10, Duration.ofSeconds(5))).hasSize(10);
        assertThat(server.commandsSentAhead()).isZero();
    }

    @Test
    void pipelinedRefusalsComeToTheSameOutcomesAndTheConnectionIsResetForTheNextMessage() throws Exception {
        server.pipelining().rejectRecipient("gone@x.example", 550, "5.1.1 no such user")
                .rejectRecipient("@busy.example", 452, "4.5.3 too many recipients");
        MailTransport transport = transport(1);

        TransportResult partial = transport.send(message("1", "a@x.example"),
                envelope("a@x.example", "gone@x.example", "b@busy.example"));
        TransportResult none = transport.send(message("2", "a@x.example"), envelope("gone@x.example"));
        TransportResult temporary = transport.send(message("3", "a@x.example"),
                envelope("gone@x.example", "b@busy.example"));
        server.replyToMailFrom(550, "5.7.1 sender not allowed");
        TransportResult sender = transport.send(message("4", "a@x.example"), envelope("a@x.example"));
        server.replyToData(554, "5.7.1 content rejected");
        TransportResult content = transport.send(message("5", "a@x.example"), envelope("a@x.example"));
        TransportResult last = transport.send(message("6", "a@x.example"), envelope("a@x.example"));

        assertThat(partial.outcome()).isEqualTo(Outcome.SENT);
        assertThat(partial.recipients()).containsExactly(
                new RecipientResult("a@x.example", true, 250, partial.serverReply()),
                new RecipientResult("gone@x.example", false, 550, "550 5.1.1 no such user"),
                new RecipientResult("b@busy.example", false, 452, "452 4.5.3 too many recipients"));
        assertThat(none.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(none.code()).isEqualTo(550);
        assertThat(temporary.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(temporary.code()).isEqualTo(452);
        assertThat(sender.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(sender.serverReply()).isEqualTo("550 5.7.1 sender not allowed");
        assertThat(content.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(content.code()).isEqualTo(554);
        assertThat(last.outcome()).isEqualTo(Outcome.SENT);
        assertThat(server.awaitMessages(2, Duration.ofSeconds(5))).extracting(m -> m.recipients())
                .containsExactly(java.util.List.of("a@x.example"), java.util.List.of("a@x.example"));
        assertThat(server.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aPipelined421ForMailFromIsTheSameTransientFailureAndTheNextMessageReconnects() throws Exception {
        server.pipelining();
        MailTransport transport = transport(1);
        assertThat(transport.send(message("1", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        server.replyToMailFrom(421, "4.3.2 shutting down");

        TransportResult refused = transport.send(message("2", "a@x.example"), envelope("a@x.example", "b@y.example"));
        TransportResult next = transport.send(message("3", "a@x.example"), envelope("a@x.example"));

        assertThat(refused.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(refused.code()).isEqualTo(421);
        assertThat(refused.serverReply()).isEqualTo("421 4.3.2 shutting down");
        assertThat(next.outcome()).isEqualTo(Outcome.SENT);
        assertThat(server.awaitMessages(2, Duration.ofSeconds(5)))
                .extracting(ScriptedSmtpServer.Received::connection).containsExactly(1, 2);
    }

    @Test
    void aNonAsciiEnvelopeAddressIsRefusedWithoutConnecting() {
        TransportResult r = transport(1).send(uncheckedMessage(), envelope("jörg@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(r.serverReply()).startsWith("invalid envelope address");
        assertThat(server.connectionsOpened()).isZero();
    }

    @Test
    void theFactoryLeavesConnectedMailboxesAndPipeliningOffToAngus() {
        SmtpIntegration relay = SmtpTestMessages.plain("127.0.0.1", 25).build();
        SmtpIntegration gmail = relay.toBuilder().kind(io.crmemail.core.integration.IntegrationKind.GMAIL)
                .credentials("me@gmail.example", null).build();
        java.util.List<MailTransport> made = java.util.List.of(new SmtpTransportFactory().create(gmail),
                new SmtpTransportFactory().pipelining(false).create(relay));
        try {
            assertThat(made).allMatch(t -> t instanceof SmtpTransport);
        } finally {
            made.forEach(MailTransport::close);
        }
    }

    @Test
    void aServerThatStopsReadingTheDataIsATransientFailureAfterTheWriteTimeout() throws Exception {
        try (java.net.ServerSocket stuck = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!stuck.isClosed()) {
                    try {
                        java.net.Socket client = stuck.accept();
                        Thread t = new Thread(() -> answerEnvelopeThenStopReading(client), "stuck-smtp");
                        t.setDaemon(true);
                        t.start();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "stuck-smtp-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            MailTransport transport = create(SmtpTestMessages.plain("127.0.0.1", stuck.getLocalPort())
                    .readTimeout(Duration.ofMillis(500)).build());

            long start = System.nanoTime();
            TransportResult r = transport.send(endless(64 << 20), envelope("a@x.example"));

            assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
            assertThat(r.code()).isZero();
            // (after one resend on a fresh connection, as for any connection lost before the end of DATA)
            assertThat(r.serverReply()).contains("write timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    /** Greets and answers the envelope of one client, then reads nothing more. */
    private static void answerEnvelopeThenStopReading(java.net.Socket client) {
        try (java.net.Socket s = client) {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            java.io.OutputStream out = s.getOutputStream();
            out.write("220 stuck\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                boolean data = line.equalsIgnoreCase("DATA");
                out.write((data ? "354 go ahead\r\n" : "250 OK\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                if (data) {
                    Thread.sleep(60_000);
                }
            }
        } catch (java.io.IOException | InterruptedException e) {
            // the test is over
        }
    }

    /** A text message of {@code size} bytes made on the fly, never in memory. */
    private static jakarta.mail.internet.MimeMessage endless(long size) throws jakarta.mail.MessagingException {
        jakarta.mail.internet.MimeMessage m = message("big", "a@x.example");
        m.setDataHandler(new jakarta.activation.DataHandler(new jakarta.activation.DataSource() {
            @Override
            public java.io.InputStream getInputStream() {
                return new java.io.InputStream() {
                    private long left = size;

                    @Override
                    public int read() {
                        return left-- > 0 ? (left % 76 == 0 ? '\n' : 'x') : -1;
                    }
                };
            }

            @Override
            public java.io.OutputStream getOutputStream() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String getContentType() {
                return "text/plain; charset=us-ascii";
            }

            @Override
            public String getName() {
                return "endless";
            }
        }));
        m.setHeader("Content-Transfer-Encoding", "7bit");
        m.saveChanges();
        return m;
    }

    private static jakarta.mail.internet.MimeMessage uncheckedMessage() {
        try {
            return message("u", "a@x.example");
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
