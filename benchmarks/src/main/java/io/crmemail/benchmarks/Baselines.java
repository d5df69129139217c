package io.crmemail.benchmarks;

import io.crmemail.core.compose.MimeComposer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * What an application without our engine would do, single-threaded, composing each message with the
 * same {@link MimeComposer} (so both sides pay for building MIME): {@code Transport.send} per message (a
 * new connection each time), and one Angus {@link SMTPTransport} connected once, {@code sendMessage} in a
 * loop. Each returns messages per second over {@code count} messages after {@code warmup} unmeasured ones.
 */
final class Baselines {

    private final Session session;
    private final MimeComposer composer;

    Baselines(int port) {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", Integer.toString(port));
        props.setProperty("mail.smtp.from", "sales@acme.com");
        props.setProperty("mail.smtp.quitwait", "false");
        this.session = Session.getInstance(props);
        this.composer = new MimeComposer(session, null);
    }

    double perMessageConnection(int warmup, int count) throws MessagingException {
        for (int i = 0; i < warmup; i++) {
            Transport.send(compose(i));
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Transport.send(compose(i));
        }
        return rate(count, start);
    }

    double reusedConnection(int warmup, int count) throws MessagingException {
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < warmup; i++) {
                MimeMessage m = compose(i);
                transport.sendMessage(m, m.getRecipients(Message.RecipientType.TO));
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                MimeMessage m = compose(i);
                transport.sendMessage(m, m.getRecipients(Message.RecipientType.TO));
            }
            return rate(count, start);
        }
    }

    MimeMessage compose(int i) throws MessagingException {
        return composer.compose(BenchCrm.outgoing(i));
    }

    static double rate(long count, long startNanos) {
        return count / ((System.nanoTime() - startNanos) / 1e9);
    }
}
