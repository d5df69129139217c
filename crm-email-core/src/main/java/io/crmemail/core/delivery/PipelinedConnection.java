package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP connection of our own: EHLO (HELO fallback), STARTTLS or implicit TLS, AUTH PLAIN or LOGIN,
 * then transactions, pipelined (RFC 2920) when the server offers it. Used by one sender at a time (the
 * pool hands it out exclusively).
 */
final class PipelinedConnection implements SmtpConnectionPool.Pooled {

    /** Headers never written to the wire, as Angus leaves them out. */
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};
    private static final int DATA_BUFFER = 8192;

    private final SmtpClientSettings settings;
    private SmtpWire wire;
    private List<String> extensions = List.of();
    private boolean pipelining;
    private volatile boolean open;
    private volatile long lastUsedNanos = System.nanoTime();
    private boolean dataTerminatorSent;

    PipelinedConnection(SmtpClientSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects, greets, secures and authenticates. Failures are thrown as Jakarta Mail exceptions (an
     * I/O error as the cause) so that {@link SmtpFailures#connectFailure} reads them as for Angus.
     */
    void open() throws MessagingException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // we batch the writes ourselves
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), settings.connectTimeoutMillis());
            socket.setSoTimeout(settings.readTimeoutMillis());
            Socket tcp = socket;
            if (settings.security() == SmtpSecurity.TLS) {
                socket = secure(socket);
            }
            wire = new SmtpWire(socket, tcp, settings.writeTimeoutMillis());
            SmtpReply greeting = wire.read();
            if (!greeting.is(220)) {
                throw new MessagingException("Got bad greeting from SMTP host: " + settings.hostPort()
                        + ", response: " + greeting.text());
            }
            hello();
            if (settings.security() == SmtpSecurity.STARTTLS) {
                startTls();
            }
            if (settings.hasCredentials() && offersAuth()) {
                authenticate();
            }
            open = true;
            lastUsedNanos = System.nanoTime();
        } catch (IOException e) {
            closeQuietly(socket);
            throw new MessagingException("Could not connect to SMTP host: " + settings.hostPort(), e);
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private void hello() throws IOException, MessagingException {
        SmtpReply ehlo = wire.exchange("EHLO " + settings.ehloName());
        if (ehlo.is(250)) {
            extensions = extensions(ehlo.text());
        } else {
            SmtpReply helo = wire.exchange("HELO " + settings.ehloName());
            if (!helo.is(250)) {
                throw new MessagingException(helo.text());
            }
            extensions = List.of();
        }
        pipelining = supports("PIPELINING");
    }

    private void startTls() throws IOException, MessagingException {
        if (!supports("STARTTLS")) {
            throw new MessagingException("STARTTLS is required but host does not support STARTTLS");
        }
        SmtpReply reply = wire.exchange("STARTTLS");
        if (!reply.is(220)) {
            throw new MessagingException(reply.text());
        }
        wire = new SmtpWire(secure(wire.socket()), wire.tcp(), settings.writeTimeoutMillis());
        hello(); // the extensions may differ once encrypted (RFC 3207 4.2)
    }

    private SSLSocket secure(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) settings.tls().createSocket(plain, settings.host(), settings.port(), true);
        if (settings.checkServerIdentity()) {
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
        }
        tls.startHandshake();
        return tls;
    }

    /**
     * Like Angus, credentials are only used when the server offers AUTH: a relay that needs none takes
     * the mail without.
     */
    private boolean offersAuth() {
        return extension("AUTH") != null || extension("AUTH=LOGIN") != null;
    }

    private void authenticate() throws IOException, MessagingException {
        String auth = extension("AUTH");
        List<String> mechanisms = auth == null ? List.of("LOGIN")
                : List.of(auth.toUpperCase(Locale.ROOT).split("\\s+"));
        SmtpReply reply;
        if (mechanisms.contains("PLAIN")) {
            String initial = base64("\0" + settings.username() + "\0" + password());
            reply = wire.exchange("AUTH PLAIN " + initial);
            if (reply.is(334)) { // a server that ignores the initial response asks for it
                reply = wire.exchange(initial);
            }
        } else if (mechanisms.contains("LOGIN") || extension("AUTH=LOGIN") != null) {
            reply = wire.exchange("AUTH LOGIN");
            if (reply.is(334)) {
                reply = wire.exchange(base64(settings.username()));
            }
            if (reply.is(334)) {
                reply = wire.exchange(base64(password()));
            }
        } else {
            throw new AuthenticationFailedException("No authentication mechanisms supported by both server and client");
        }
        if (!reply.is(235)) {
            if (reply.is(334)) {
                wire.exchange("*"); // cancel the exchange (RFC 4954 4)
            }
            throw new AuthenticationFailedException(reply.text());
        }
    }

    private String password() {
        return settings.password() == null ? "" : settings.password();
    }

    /** True when the socket is open as far as we know, without talking to the server. */
    @Override
    public boolean isOpen() {
        return open;
    }

    boolean pipelining() {
        return pipelining;
    }

    boolean idleLongerThan(long nanos) {
        return System.nanoTime() - lastUsedNanos > nanos;
    }

    /** Asks the server with NOOP whether the connection still works. */
    boolean probe() {
        try {
            return wire.exchange("NOOP").is(250);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True once the end of DATA went out: from then on the server may have accepted the message. */
    boolean dataTerminatorSent() {
        return dataTerminatorSent;
    }

    /**
     * One mail transaction. With PIPELINING, MAIL FROM, every RCPT TO and DATA leave in one write and
     * their replies are read afterwards; without, each command waits for its reply, and the
     * transaction stops at MAIL FROM's refusal or when no recipient was accepted. The message is
     * streamed (never held in memory) once DATA is answered 354 and a recipient was accepted.
     *
     * @param mailFrom   reverse path, {@code <>} or a bare address
     * @param recipients validated ASCII addresses
     */
    SmtpExchange transact(MimeMessage message, String mailFrom, List<String> recipients)
            throws IOException, MessagingException {
        dataTerminatorSent = false;
        try {
            return pipelining ? pipelined(message, mailFrom, recipients) : lockstep(message, mailFrom, recipients);
        } catch (IOException e) {
            open = false;
            throw e;
        } finally {
            lastUsedNanos = System.nanoTime();
        }
    }

    private SmtpExchange pipelined(MimeMessage message, String mailFrom, List<String> recipients)
            throws IOException, MessagingException {
        wire.command(mailFromCommand(mailFrom));
        for (String r : recipients) {
            wire.command("RCPT TO:<" + r + ">");
        }
        wire.command("DATA");
        wire.flush();
        SmtpReply mail = wire.read();
        List<SmtpReply> rcpts = new ArrayList<>(recipients.size());
        if (mail.is(421)) {
            // The server is closing: the rest of the group will not be answered.
            return new SmtpExchange(mail, rcpts, null, null);
        }
        boolean anyAccepted = false;
        boolean anyUnexpected = false;
        SmtpReply data;
        try {
            for (int i = 0; i < recipients.size(); i++) {
                SmtpReply r = wire.read();
                rcpts.add(r);
                if (r.is(421)) {
                    return new SmtpExchange(mail, rcpts, null, null);
                }
                anyAccepted |= r.positive();
                anyUnexpected |= SmtpExchange.unexpected(r);
            }
            data = wire.read();
        } catch (IOException e) {
            // A server that refuses and then hangs up (a drop ACL): its replies so far decide, nothing was sent.
            open = false;
            return new SmtpExchange(mail, rcpts, null, null);
        }
        if (!data.is(354)) {
            return new SmtpExchange(mail, rcpts, data, null);
        }
        if (mail.is(250) && anyAccepted && anyUnexpected) {
            // A recipient is accepted, so an empty message could be delivered: abort by hanging up instead.
            open = false;
            return new SmtpExchange(mail, rcpts, null, null);
        }
        if (!mail.is(250) || !anyAccepted) {
            // No recipient: a server that said 354 anyway gets an empty message, which it must refuse
            // (RFC 2920 3.1).
            finishEmpty();
            return new SmtpExchange(mail, rcpts, null, null);
        }
        return new SmtpExchange(mail, rcpts, data, writeData(message));
    }

    private SmtpExchange lockstep(MimeMessage message, String mailFrom, List<String> recipients)
            throws IOException, MessagingException {
        SmtpReply mail = wire.exchange(mailFromCommand(mailFrom));
        List<SmtpReply> rcpts = new ArrayList<>(recipients.size());
        if (!mail.is(250)) {
            return new SmtpExchange(mail, rcpts, null, null);
        }
        boolean anyAccepted = false;
        for (String r : recipients) {
            SmtpReply reply = wire.exchange("RCPT TO:<" + r + ">");
            rcpts.add(reply);
            anyAccepted |= reply.positive();
            if (SmtpExchange.unexpected(reply)) {
                return new SmtpExchange(mail, rcpts, null, null);
            }
        }
        if (!anyAccepted) {
            return new SmtpExchange(mail, rcpts, null, null);
        }
        SmtpReply data = wire.exchange("DATA");
        if (!data.is(354)) {
            return new SmtpExchange(mail, rcpts, data, null);
        }
        return new SmtpExchange(mail, rcpts, data, writeData(message));
    }

    private SmtpReply writeData(MimeMessage message) throws IOException, MessagingException {
        DotStuffingOutputStream data = new DotStuffingOutputStream(wire.out());
        // Jakarta Mail's encoders write a body a byte at a time: gather those into runs before dot-stuffing.
        BufferedOutputStream buffered = new BufferedOutputStream(data, DATA_BUFFER);
        message.writeTo(buffered, NOT_SENT);
        buffered.flush();
        dataTerminatorSent = true;
        data.finish();
        return wire.read();
    }

    private void finishEmpty() throws IOException {
        dataTerminatorSent = true; // whatever the server makes of it, this transaction is not to be repeated
        wire.command(".");
        wire.flush();
        wire.read();
    }

    /** Ends a failed transaction; true when the connection can carry the next one. */
    boolean reset() {
        try {
            return open && wire.exchange("RSET").is(250);
        } catch (IOException | RuntimeException e) {
            open = false;
            return false;
        }
    }

    /** Marks the connection unusable, e.g. after a 421 (the server is closing it). */
    void discard() {
        open = false;
    }

    /** Says QUIT without waiting for the answer and closes the socket. */
    @Override
    public void close() {
        open = false;
        if (wire == null) {
            return;
        }
        try {
            wire.command("QUIT");
            wire.flush();
        } catch (IOException | RuntimeException e) {
            // the connection is being thrown away; a failing QUIT changes nothing
        }
        wire.close();
    }

    private static String mailFromCommand(String mailFrom) {
        return mailFrom.startsWith("<") ? "MAIL FROM:" + mailFrom : "MAIL FROM:<" + mailFrom + ">";
    }

    private boolean supports(String keyword) {
        return extension(keyword) != null;
    }

    /** The parameters of an EHLO keyword ("" when it has none), or null when not offered. */
    private String extension(String keyword) {
        for (String e : extensions) {
            int space = e.indexOf(' ');
            String k = space < 0 ? e : e.substring(0, space);
            if (k.equalsIgnoreCase(keyword)) {
                return space < 0 ? "" : e.substring(space + 1).strip();
            }
        }
        return null;
    }

    /** The EHLO keywords with their parameters: every line after the first, code stripped. */
    private static List<String> extensions(String ehloText) {
        String[] lines = ehloText.split("\n");
        List<String> out = new ArrayList<>(lines.length);
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            out.add(l.length() > 4 ? l.substring(4).strip() : "");
        }
        return out;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // failed connect: nothing to keep
        }
    }
}
