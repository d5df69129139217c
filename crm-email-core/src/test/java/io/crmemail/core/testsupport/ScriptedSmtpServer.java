package io.crmemail.core.testsupport;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real SMTP server on a loopback port for tests, scriptable per test: refuse recipients, answer MAIL
 * FROM or the end of DATA with a chosen reply, drop connections after some messages, answer slowly.
 * It records every message it accepted and counts the connections opened. One daemon thread per
 * connection; {@link #close()} stops everything.
 *
 * <pre>{@code
 * try (ScriptedSmtpServer smtp = ScriptedSmtpServer.start()) {
 *     smtp.rejectRecipient("@bad.example", 550, "5.1.1 no such user");
 *     ... send to 127.0.0.1:smtp.port() ...
 *     smtp.awaitMessages(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /**
     * An accepted message: envelope, the DATA bytes (dot-unstuffed, CRLF lines), its connection (from 1), whether
     * it came over STARTTLS and the EHLO name the client gave.
     */
    public record Received(String mailFrom, List<String> recipients, byte[] data, int connection, boolean tls,
                           String ehlo) {
        /** The data as text (ISO-8859-1, so every byte maps to one char). */
        public String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private record Reply(int code, String text) {
        String line() {
            return code + " " + text;
        }
    }

    private record Rule(String match, Reply reply) {
    }

    private final ServerSocket serverSocket;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Received> messages = new ArrayList<>();
    private final List<Rule> recipientRules = new CopyOnWriteArrayList<>();
    private final List<Reply> mailFromReplies = new ArrayList<>();
    private final List<Reply> dataReplies = new ArrayList<>();
    private final List<Received> refused = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Reply> dataCommandReplies = new ArrayList<>();
    private final AtomicInteger pipelinedGroups = new AtomicInteger();
    private final AtomicInteger commandsSentAhead = new AtomicInteger();
    private volatile boolean pipelining;
    private volatile int dropAfterMessages;
    private volatile Duration replyDelay = Duration.ZERO;
    private volatile SSLContext startTls;
    private volatile boolean brokenStartTls;
    private volatile boolean closed;
    private volatile String validToken;
    private final List<String> presentedTokens = new CopyOnWriteArrayList<>();

    private ScriptedSmtpServer(InetAddress address, int port) throws IOException {
        serverSocket = new ServerSocket(port, 50, address);
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on a free loopback port. */
    public static ScriptedSmtpServer start() {
        return start(InetAddress.getLoopbackAddress(), 0);
    }

    /** Starts a server on this address and port (0: a free one), e.g. a second server on 127.0.0.2, same port. */
    public static ScriptedSmtpServer start(InetAddress address, int port) {
        try {
            return new ScriptedSmtpServer(address, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a server socket on " + address + ":" + port, e);
        }
    }

    /** Offers STARTTLS with GreenMail's self-signed test certificate. */
    public ScriptedSmtpServer offerStartTls() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(new DummySSLServerSocketFactory().getKeyStore(), "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            startTls = context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
        return this;
    }

    /** Offers STARTTLS, then answers it with bytes that are no TLS handshake and hangs up. */
    public ScriptedSmtpServer offerBrokenStartTls() {
        brokenStartTls = true;
        return this;
    }

    /** Forgets the recipient refusals set so far. */
    public ScriptedSmtpServer acceptAllRecipients() {
        recipientRules.clear();
        return this;
    }

    public String host() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Refuses RCPT TO for an exact address or, when it starts with '@' or '.', any address ending so. */
    public ScriptedSmtpServer rejectRecipient(String addressOrDomainSuffix, int code, String text) {
        recipientRules.add(new Rule(addressOrDomainSuffix.toLowerCase(Locale.ROOT), new Reply(code, text)));
        return this;
    }

    /** Answers MAIL FROM of the next {@code times} transactions with this reply; 421 also hangs up. */
    public ScriptedSmtpServer replyToMailFrom(int code, String text, int times) {
        synchronized (mailFromReplies) {
            for (int i = 0; i < times; i++) {
                mailFromReplies.add(new Reply(code, text));
            }
        }
        return this;
    }

    public ScriptedSmtpServer replyToMailFrom(int code, String text) {
        return replyToMailFrom(code, text, 1);
    }

    /** Answers the end of DATA of the next {@code times} messages with this reply (see {@link #refused()}). */
    public ScriptedSmtpServer replyToData(int code, String text, int times) {
        synchronized (dataReplies) {
            for (int i = 0; i < times; i++) {
                dataReplies.add(new Reply(code, text));
            }
        }
        return this;
    }

    public ScriptedSmtpServer replyToData(int code, String text) {
        return replyToData(code, text, 1);
    }

    /**
     * Answers the DATA command itself (not the end of the data) of the next {@code times} transactions
     * with this reply.
     */
    public ScriptedSmtpServer replyToDataCommand(int code, String text, int times) {
        synchronized (dataCommandReplies) {
            for (int i = 0; i < times; i++) {
                dataCommandReplies.add(new Reply(code, text));
            }
        }
        return this;
    }

    public ScriptedSmtpServer replyToDataCommand(int code, String text) {
        return replyToDataCommand(code, text, 1);
    }

    /**
     * Announces PIPELINING (RFC 2920) and, as the RFC allows, holds replies back while more commands are
     * waiting to be read, so a pipelined group is answered in one write. See {@link #pipelinedGroups()}.
     */
    public ScriptedSmtpServer pipelining() {
        pipelining = true;
        return this;
    }

    /** MAIL FROM commands that arrived with more commands already behind them (a pipelined group). */
    public int pipelinedGroups() {
        return pipelinedGroups.get();
    }

    /**
     * Commands read while the next one was already waiting although PIPELINING was not announced: a
     * client that does not wait for each reply.
     */
    public int commandsSentAhead() {
        return commandsSentAhead.get();
    }

    /** Closes each connection after it carried {@code n} accepted messages (0: never). */
    public ScriptedSmtpServer dropConnectionAfterMessages(int n) {
        dropAfterMessages = n;
        return this;
    }

    /** Waits this long before every reply, the greeting included. */
    public ScriptedSmtpServer delayReplies(Duration delay) {
        replyDelay = delay;
        return this;
    }

    /**
     * Advertises AUTH XOAUTH2 and accepts only this access token; any other is refused the way Gmail does it
     * (334 with a base64 JSON error, then 535). Null: no AUTH.
     */
    public ScriptedSmtpServer acceptXOAuth2Token(String token) {
        validToken = token;
        return this;
    }

    /** The access tokens presented with AUTH XOAUTH2, in order. */
    public List<String> presentedTokens() {
        return List.copyOf(presentedTokens);
    }

    /** The messages whose DATA was answered with a scripted refusal, in order. */
    public List<Received> refused() {
        return List.copyOf(refused);
    }

    /** The messages accepted so far, in order. */
    public List<Received> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    public int connectionsOpened() {
        return connections.get();
    }

    /** Waits until at least {@code n} messages arrived; fails the test on timeout. */
    public List<Received> awaitMessages(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (messages.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " messages within " + timeout + ", got "
                            + messages.size());
                }
                messages.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(ScriptedSmtpServer::quietClose);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                int number = connections.incrementAndGet();
                sockets.add(socket);
                Thread t = new Thread(() -> serve(socket, number), "scripted-smtp-" + port() + "-" + number);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // server socket closed
            }
        }
    }

    private void serve(Socket socket, int number) {
        Socket current = socket;
        try (socket) {
            socket.setSoTimeout(60_000);
            InputStream in = socket.getInputStream();
            OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream());
            reply(in, out, "220 scripted ESMTP ready");
            boolean tls = false;
            String ehlo = null;
            String from = null;
            List<String> rcpts = new ArrayList<>();
            int carried = 0;
            String line;
            while ((line = readLine(in)) != null) {
                String verb = (line.length() < 4 ? line : line.substring(0, 4)).toUpperCase(Locale.ROOT);
                boolean more = in.available() > 0;
                if (more && !pipelining && !verb.equals("QUIT")) {
                    commandsSentAhead.incrementAndGet();
                }
                if (more && pipelining && verb.equals("MAIL")) {
                    pipelinedGroups.incrementAndGet();
                }
                switch (verb) {
                    case "EHLO" -> {
                        ehlo = line.substring(4).strip();
                        boolean offer = !tls && (startTls != null || brokenStartTls);
                        reply(in, out, "250-scripted\r\n250-8BITMIME\r\n" + (offer ? "250-STARTTLS\r\n" : "")
                                + (pipelining ? "250-PIPELINING\r\n" : "")
                                + (validToken != null ? "250-AUTH XOAUTH2\r\n" : "") + "250 SIZE 35882577");
                    }
                    case "AUTH" -> {
                        if (!xoauth2(line, in, out)) {
                            return;
                        }
                    }
                    case "STAR" -> {
                        if (tls || (startTls == null && !brokenStartTls)) {
                            reply(in, out, "502 command not implemented");
                            continue;
                        }
                        reply(in, out, "220 ready to start TLS");
                        if (startTls == null) {
                            out.write("this is not TLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                            return;
                        }
                        SSLSocket secure = (SSLSocket) startTls.getSocketFactory()
                                .createSocket(socket, null, socket.getPort(), true);
                        secure.setUseClientMode(false);
                        secure.startHandshake();
                        current = secure;
                        in = secure.getInputStream();
                        out = new java.io.BufferedOutputStream(secure.getOutputStream());
                        tls = true;
                        from = null;
                        rcpts.clear();
                    }
                    case "HELO", "NOOP" -> reply(in, out, "250 OK");
                    case "RSET" -> {
                        from = null;
                        rcpts.clear();
                        reply(in, out, "250 OK");
                    }
                    case "QUIT" -> {
                        reply(in, out, "221 bye");
                        out.flush(); // replies held back for a pipelined group must still reach the client
                        return;
                    }
                    case "MAIL" -> {
                        Reply scripted = next(mailFromReplies);
                        rcpts.clear();
                        if (scripted != null) {
                            from = null;
                            reply(in, out, scripted.line());
                            if (scripted.code() == 421) {
                                out.flush(); // replies held back for a pipelined group must still reach the client
                                return;
                            }
                        } else {
                            from = address(line);
                            reply(in, out, "250 OK");
                        }
                    }
                    case "RCPT" -> {
                        String rcpt = address(line);
                        Reply refusal = from == null ? new Reply(503, "need MAIL first") : refusal(rcpt);
                        if (refusal == null) {
                            rcpts.add(rcpt);
                            reply(in, out, "250 OK");
                        } else {
                            reply(in, out, refusal.line());
                        }
                    }
                    case "DATA" -> {
                        if (from == null || rcpts.isEmpty()) {
                            reply(in, out, "554 no valid recipients");
                            continue;
                        }
                        Reply refusal = next(dataCommandReplies);
                        if (refusal != null) {
                            from = null;
                            rcpts.clear();
                            reply(in, out, refusal.line());
                            continue;
                        }
                        reply(in, out, "354 end with <CRLF>.<CRLF>");
                        byte[] data = readData(in);
                        Reply scripted = next(dataReplies);
                        if (scripted != null) {
                            refused.add(new Received(from, List.copyOf(rcpts), data, number, tls, ehlo));
                            reply(in, out, scripted.line());
                        } else {
                            record(new Received(from, List.copyOf(rcpts), data, number, tls, ehlo));
                            reply(in, out, "250 OK queued as " + number + "." + (carried + 1));
                            carried++;
                        }
                        from = null;
                        rcpts.clear();
                        if (dropAfterMessages > 0 && carried >= dropAfterMessages) {
                            out.flush(); // replies held back for a pipelined group must still reach the client
                            return;
                        }
                    }
                    default -> reply(in, out, "502 command not implemented");
                }
            }
        } catch (IOException | InterruptedException e) {
            // client went away or server closed: this connection is over
        } finally {
            sockets.remove(socket);
            quietClose(current);
        }
    }

    /** One AUTH XOAUTH2 exchange; false when the connection is over. */
    private boolean xoauth2(String line, InputStream in, OutputStream out) throws IOException, InterruptedException {
        String[] parts = line.split(" ");
        if (validToken == null || parts.length < 3 || !parts[1].equalsIgnoreCase("XOAUTH2")) {
            reply(in, out, "504 5.7.4 unrecognized authentication type");
            return true;
        }
        String decoded = new String(java.util.Base64.getDecoder().decode(parts[2]), StandardCharsets.UTF_8);
        String token = decoded.replaceAll("(?s).*auth=Bearer ([^\u0001]*).*", "$1");
        presentedTokens.add(token);
        if (token.equals(validToken)) {
            reply(in, out, "235 2.7.0 Accepted");
            return true;
        }
        String error = java.util.Base64.getEncoder().encodeToString(
                "{\"status\":\"400\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}"
                        .getBytes(StandardCharsets.UTF_8));
        reply(in, out, "334 " + error);
        if (readLine(in) == null) {
            return false;
        }
        reply(in, out, "535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 BadCredentials");
        return true;
    }

    private Reply refusal(String rcpt) {
        String lower = rcpt.toLowerCase(Locale.ROOT);
        for (Rule rule : recipientRules) {
            boolean suffix = rule.match().startsWith("@") || rule.match().startsWith(".");
            if (suffix ? lower.endsWith(rule.match()) : lower.equals(rule.match())) {
                return rule.reply();
            }
        }
        return null;
    }

    private static Reply next(List<Reply> queue) {
        synchronized (queue) {
            return queue.isEmpty() ? null : queue.remove(0);
        }
    }

    private void record(Received received) {
        synchronized (messages) {
            messages.add(received);
            messages.notifyAll();
        }
    }

    private void reply(InputStream in, OutputStream out, String text) throws IOException, InterruptedException {
        if (!replyDelay.isZero()) {
            Thread.sleep(replyDelay.toMillis());
        }
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        if (!pipelining || in.available() == 0) {
            out.flush();
        }
    }

    /** The address inside the angle brackets of MAIL FROM:<...> or RCPT TO:<...>. */
    private static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open + 1);
        return open >= 0 && close > open ? line.substring(open + 1, close) : line.substring(line.indexOf(':') + 1).strip();
    }

    /** Reads DATA up to the lone dot, removing the transparency dots (RFC 5321 4.5.2). */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String line;
        while ((line = readLine(in)) != null && !line.equals(".")) {
            String unstuffed = line.startsWith(".") ? line.substring(1) : line;
            data.writeBytes((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        if (line == null) {
            throw new IOException("connection closed inside DATA");
        }
        return data.toByteArray();
    }

    /** One line without its CRLF (a bare LF also ends it), or null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            buf.write(b);
        }
        if (b == -1 && buf.size() == 0) {
            return null;
        }
        byte[] bytes = buf.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    private static void quietClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
