package io.crmemail.core.delivery;

import static io.crmemail.core.delivery.SmtpTestMessages.envelope;
import static io.crmemail.core.delivery.SmtpTestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Pipelined groups whose replies end the transaction early: a server that refuses and hangs up, and a server
 * that answers a recipient oddly but still says 354. Each server here answers a whole pipelined group with
 * scripted lines, which the shared scripted server cannot do.
 */
class PipelinedRefusalEdgesTest {

    /** A one-shot-per-connection SMTP server announcing PIPELINING; {@code group} answers MAIL…DATA. */
    private static final class GroupServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final List<String> afterGroup = new CopyOnWriteArrayList<>();

        GroupServer(Function<Integer, String> group, boolean hangUpAfterGroup) throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                        serve(s, group, hangUpAfterGroup);
                    } catch (IOException e) {
                        // next connection, or closed
                    }
                }
            }, "group-server");
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s, Function<Integer, String> group, boolean hangUp) throws IOException {
            s.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            write(out, "220 edge ready");
            String line;
            int rcpts = 0;
            boolean inGroup = false;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase();
                if (inGroup) {
                    afterGroup.add(line);
                    if (line.equals(".")) {
                        write(out, "554 5.6.0 empty message refused");
                    } else if (verb.equals("RSET") || verb.equals("NOOP")) {
                        write(out, "250 OK");
                    } else if (verb.equals("QUIT")) {
                        write(out, "221 bye");
                        return;
                    }
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> write(out, "250-edge\r\n250 PIPELINING");
                    case "MAIL" -> rcpts = 0;
                    case "RCPT" -> rcpts++;
                    case "DATA" -> {
                        write(out, group.apply(rcpts));
                        if (hangUp) {
                            return;
                        }
                        inGroup = true;
                    }
                    default -> write(out, "250 OK");
                }
            }
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static MailTransport transport(int port) {
        SmtpIntegration integration = SmtpIntegration.builder().id(1).accountId(1).host("127.0.0.1").port(port)
                .security(SmtpSecurity.NONE).maxConnections(1).connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(3)).build();
        return new PipelinedSmtpTransport(integration, new SmtpTransportFactory().sessionProperties(integration));
    }

    @Test
    void aServerThatRefusesTheRecipientAndHangsUpIsAPermanentRefusalNotALostConnection() throws Exception {
        try (GroupServer server = new GroupServer(n -> "250 OK\r\n550 5.7.1 blocked", true);
             MailTransport transport = transport(server.port())) {
            TransportResult result = transport.send(message("drop", "a@x.example"), envelope("a@x.example"));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
            assertThat(result.code()).isEqualTo(550);
            assertThat(server.connections).as("the refused group is not sent again").hasValue(1);
        }
    }

    @Test
    void anOddRecipientReplyBesideAnAcceptedOneNeverDeliversAnEmptyMessage() throws Exception {
        try (GroupServer server = new GroupServer(n -> "250 OK\r\n250 OK\r\n399 what\r\n354 go ahead", false);
             MailTransport transport = transport(server.port())) {
            TransportResult result = transport.send(message("odd", "a@x.example"),
                    envelope("a@x.example", "b@x.example"));

            assertThat(result.outcome()).isNotEqualTo(Outcome.SENT);
            assertThat(server.afterGroup).as("no lone '.' that would end an empty message for a@x.example")
                    .doesNotContain(".");
        }
    }
}
