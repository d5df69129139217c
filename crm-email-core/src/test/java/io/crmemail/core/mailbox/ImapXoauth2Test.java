package io.crmemail.core.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.MailboxCursor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The XOAUTH2 exchange on the wire, which GreenMail's IMAP server does not offer: a minimal IMAP server that
 * announces {@code AUTH=XOAUTH2} and {@code SASL-IR}, refuses the first token the way Gmail does (a continuation
 * with an error, then NO) and accepts the refreshed one.
 */
class ImapXoauth2Test {

    @Test
    void logsInWithXoauth2AndRetriesOnceWithAForcedRefresh() throws Exception {
        try (Xoauth2Server server = new Xoauth2Server(Set.of("fresh-token"))) {
            InMemoryEmailStore store = new InMemoryEmailStore();
            SmtpIntegration gmail = store.saveIntegration(SmtpIntegration.builder().accountId(1)
                    .kind(IntegrationKind.GMAIL).ownerUserId(42L).credentials("ana@gmail.com", null)
                    .imap(new ImapSettings("127.0.0.1", server.port(), SmtpSecurity.NONE, "ana@gmail.com", null, null,
                            null))
                    .build());
            List<Boolean> forced = new ArrayList<>();
            TokenProvider tokens = (mailbox, forceRefresh) -> {
                forced.add(forceRefresh);
                return forceRefresh ? "fresh-token" : "revoked-token";
            };
            MailboxPoller poller = new MailboxPoller(store, tokens, (in, account) -> InboundResult.dropped("unused"));

            assertThat(poller.pollAll()).isEqualTo(new MailboxPollCounts(1, 0, 0, 0, 0, 0, 0, 0));

            assertThat(forced).containsExactly(false, true);
            assertThat(server.authentications).containsExactly(
                    "user=ana@gmail.com\u0001auth=Bearer revoked-token\u0001\u0001",
                    "user=ana@gmail.com\u0001auth=Bearer fresh-token\u0001\u0001");
            assertThat(server.commands).noneMatch(c -> c.startsWith("LOGIN"));
            assertThat(server.commands).anyMatch(c -> c.startsWith("EXAMINE"));
            assertThat(store.mailboxCursor(gmail.id())).contains(new MailboxCursor("INBOX", 77, 4));
        }
    }

    @Test
    void aTokenRefusedAfterTheRefreshIsAMailboxError() throws Exception {
        try (Xoauth2Server server = new Xoauth2Server(Set.of())) {
            InMemoryEmailStore store = new InMemoryEmailStore();
            store.saveIntegration(SmtpIntegration.builder().accountId(1).kind(IntegrationKind.OUTLOOK)
                    .ownerUserId(42L).credentials("ana@contoso.com", null)
                    .imap(new ImapSettings("127.0.0.1", server.port(), SmtpSecurity.NONE, "ana@contoso.com", null, null,
                            Duration.ofMinutes(5)))
                    .build());
            MailboxPoller poller = new MailboxPoller(store, (mailbox, force) -> "t" + force,
                    (in, account) -> InboundResult.dropped("unused"));

            assertThat(poller.pollAll()).isEqualTo(new MailboxPollCounts(1, 1, 0, 0, 0, 0, 0, 0));
            assertThat(server.authentications).hasSize(2);
        }
    }

    /** Just enough IMAP for a first poll: capabilities, XOAUTH2, EXAMINE with UIDVALIDITY 77 and UIDNEXT 5. */
    private static final class Xoauth2Server implements AutoCloseable {
        private static final String CAPABILITIES = "IMAP4rev1 SASL-IR AUTH=XOAUTH2";
        final List<String> authentications = new CopyOnWriteArrayList<>();
        final List<String> commands = new CopyOnWriteArrayList<>();
        private final Set<String> validTokens;
        private final ServerSocket socket;

        Xoauth2Server(Set<String> validTokens) throws IOException {
            this.validTokens = validTokens;
            this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "xoauth2-imap");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    serve(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)),
                            new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or the client went away: take the next connection
                }
            }
        }

        private void serve(BufferedReader in, PrintWriter out) throws IOException {
            out.print("* OK [CAPABILITY " + CAPABILITIES + "] ready\r\n");
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                String[] parts = line.split(" ", 3);
                String tag = parts[0];
                String command = parts.length > 1 ? parts[1].toUpperCase() : "";
                commands.add(parts.length > 1 ? line.substring(tag.length() + 1) : line);
                switch (command) {
                    case "CAPABILITY" -> reply(out, "* CAPABILITY " + CAPABILITIES, tag + " OK done");
                    case "AUTHENTICATE" -> {
                        String payload = new String(Base64.getDecoder().decode(parts[2].split(" ")[1]),
                                StandardCharsets.UTF_8);
                        authentications.add(payload);
                        String token = payload.replaceAll("(?s).*auth=Bearer ([^\u0001]*).*", "$1");
                        if (validTokens.contains(token)) {
                            reply(out, tag + " OK [CAPABILITY " + CAPABILITIES + "] authenticated");
                        } else {
                            reply(out, "+ " + Base64.getEncoder().encodeToString(
                                    "{\"status\":\"401\",\"schemes\":\"bearer\"}".getBytes(StandardCharsets.UTF_8)));
                            in.readLine(); // the client's empty answer to the error challenge
                            reply(out, tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
                        }
                    }
                    case "EXAMINE", "SELECT" -> reply(out, "* FLAGS (\\Seen)", "* 0 EXISTS", "* 0 RECENT",
                            "* OK [UIDVALIDITY 77] UIDs valid", "* OK [UIDNEXT 5] next UID",
                            tag + " OK [READ-ONLY] done");
                    case "LOGOUT" -> {
                        reply(out, "* BYE bye", tag + " OK done");
                        return;
                    }
                    default -> reply(out, tag + " OK done");
                }
            }
        }

        private static void reply(PrintWriter out, String... lines) {
            for (String line : lines) {
                out.print(line + "\r\n");
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
