package io.crmemail.core.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** An accepted message: envelope, the DATA bytes (dot-unstuffed, CRLF lines) and its connection (from 1). */
    public record Received(String mailFrom, List<String> recipients, byte[] data, int connection) {
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
    private volatile boolean closed;

    private ScriptedSmtpServer() throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on a free loopback port. */
    public static ScriptedSmtpServer start() {
        try {
            return new ScriptedSmtpServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a server socket", e);
        }
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
        try (socket; InputStream in = socket.getInputStream();
                OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream())) {
            socket.setSoTimeout(60_000);
            reply(in, out, "220 scripted ESMTP ready");
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
                    case "EHLO" -> reply(in, out, "250-scripted\r\n250-8BITMIME\r\n"
                            + (pipelining ? "250-PIPELINING\r\n" : "") + "250 SIZE 35882577");
                    case "HELO", "NOOP" -> reply(in, out, "250 OK");
                    case "RSET" -> {
                        from = null;
                        rcpts.clear();
                        reply(in, out, "250 OK");
                    }
                    case "QUIT" -> {
                        reply(in, out, "221 bye");
                        return;
                    }
                    case "MAIL" -> {
                        Reply scripted = next(mailFromReplies);
                        rcpts.clear();
                        if (scripted != null) {
                            from = null;
                            reply(in, out, scripted.line());
                            if (scripted.code() == 421) {
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
                            refused.add(new Received(from, List.copyOf(rcpts), data, number));
                            reply(in, out, scripted.line());
                        } else {
                            record(new Received(from, List.copyOf(rcpts), data, number));
                            reply(in, out, "250 OK queued as " + number + "." + (carried + 1));
                            carried++;
                        }
                        from = null;
                        rcpts.clear();
                        if (dropAfterMessages > 0 && carried >= dropAfterMessages) {
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
        }
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
