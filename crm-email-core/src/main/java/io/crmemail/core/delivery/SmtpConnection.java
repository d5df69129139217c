package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.mailbox.TokenException;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection of the pool: an Angus transport with a session of its own. Used by one sender
 * at a time (the pool hands it out exclusively), so its session properties may be changed per message.
 */
final class SmtpConnection implements SmtpConnectionPool.Pooled {

    private final SmtpIntegration integration;
    private final SmtpLogin login;
    private final Session session;
    private final String protocol;
    private final WireTransport transport;
    private volatile long lastUsedNanos = System.nanoTime();

    SmtpConnection(SmtpIntegration integration, Session session) {
        this(integration, SmtpLogin.of(integration, null), session);
    }

    SmtpConnection(SmtpIntegration integration, SmtpLogin login, Session session) {
        this.integration = integration;
        this.login = login;
        this.session = session;
        this.protocol = SmtpTransportFactory.protocol(integration.security());
        this.transport = new WireTransport(session, protocol);
    }

    /**
     * Connects (and authenticates when the integration has credentials).
     *
     * @param freshSecret the server refused the previous secret: ask the login for a new one (an OAuth token)
     */
    void open(boolean freshSecret) throws MessagingException, TokenException {
        if (integration.hasCredentials()) {
            transport.connect(integration.host(), integration.port(), integration.username(),
                    login.secret(freshSecret));
        } else {
            transport.connect(integration.host(), integration.port(), null, null);
        }
        lastUsedNanos = System.nanoTime();
    }

    /** True when the socket is open as far as we know, without talking to the server. */
    @Override
    public boolean isOpen() {
        return transport.isSocketOpen();
    }

    boolean idleLongerThan(long nanos) {
        return System.nanoTime() - lastUsedNanos > nanos;
    }

    /** Asks the server with NOOP whether the connection still works. */
    boolean probe() {
        try {
            return transport.isConnected();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends one message. MAIL FROM comes from this connection's session property
     * {@code mail.<protocol>.from}, which Angus reads at every send.
     */
    void send(MimeMessage message, Address[] recipients, String mailFrom) throws MessagingException {
        session.getProperties().setProperty("mail." + protocol + ".from", mailFrom);
        transport.dataTerminatorSent = false;
        try {
            transport.sendMessage(message, recipients);
        } finally {
            lastUsedNanos = System.nanoTime();
        }
    }

    /** True once the end of DATA went out: from then on the server may have accepted the message. */
    boolean dataTerminatorSent() {
        return transport.dataTerminatorSent;
    }

    int lastReturnCode() {
        return transport.getLastReturnCode();
    }

    String lastServerResponse() {
        String r = transport.getLastServerResponse();
        return r == null ? "" : r.strip();
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // The connection is being thrown away; a failing QUIT changes nothing.
        }
    }

    /** Angus transport that tells us whether the end of DATA was sent, to know if a resend is safe. */
    private static final class WireTransport extends SMTPTransport {
        volatile boolean dataTerminatorSent;

        WireTransport(Session session, String protocol) {
            super(session, null, protocol, "smtps".equals(protocol));
        }

        boolean isSocketOpen() {
            // SMTPTransport.isConnected() would send NOOP; checkConnected() only looks at the state.
            try {
                checkConnected();
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        }

        @Override
        protected void finishData() throws IOException, MessagingException {
            dataTerminatorSent = true;
            super.finishData();
        }

        @Override
        protected void finishBdat() throws IOException, MessagingException {
            dataTerminatorSent = true;
            super.finishBdat();
        }
    }
}
