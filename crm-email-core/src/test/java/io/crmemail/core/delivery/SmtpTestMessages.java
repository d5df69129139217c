package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Properties;

/** Messages, envelopes and integrations for the transport tests. */
final class SmtpTestMessages {

    static final String FROM = "sales@crm.example";
    static final String BOUNCES = "bounces+42@crm.example";

    private SmtpTestMessages() {
    }

    static SmtpIntegration.Builder plain(String host, int port) {
        return SmtpIntegration.builder().id(7).host(host).port(port).security(SmtpSecurity.NONE)
                .maxConnections(1).connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5));
    }

    /** A finished message (saveChanges called) whose body has a line starting with a dot. */
    static MimeMessage message(String subject, String to) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(FROM);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Hello,\r\n.a line with a leading dot\r\nbye\r\n", "UTF-8");
        m.saveChanges();
        return m;
    }

    /** Sends {@code count} messages from 6 threads at once; the outcomes, in submission order. */
    static List<TransportResult.Outcome> sendConcurrently(MailTransport transport, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<TransportResult>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String subject = "c" + i;
                results.add(pool.submit(() -> transport.send(message(subject, "a@x.example"), envelope("a@x.example"))));
            }
            List<TransportResult.Outcome> outcomes = new ArrayList<>();
            for (Future<TransportResult> f : results) {
                outcomes.add(f.get().outcome());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    static Envelope envelope(String... recipients) {
        return new Envelope(BOUNCES, List.of(recipients));
    }
}
