package io.crmemail.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;

/** The harness's sink counts what it accepted, with Angus and with the pipelining prototype. */
class SmtpSinkTest {

    @Test
    void countsMessagesSentOverOneConnection() throws Exception {
        try (SmtpSink sink = SmtpSink.start()) {
            Properties props = new Properties();
            props.setProperty("mail.smtp.host", "127.0.0.1");
            props.setProperty("mail.smtp.port", Integer.toString(sink.port()));
            Session session = Session.getInstance(props);
            try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
                transport.connect();
                assertThat(transport.supportsExtension("PIPELINING")).isTrue();
                for (int i = 0; i < 3; i++) {
                    MimeMessage m = new MimeMessage(session);
                    m.setFrom("a@example.org");
                    m.setRecipients(Message.RecipientType.TO, "b@example.org");
                    m.setSubject("test " + i);
                    // A line that starts with a dot is stuffed by the sender and must not end the data.
                    m.setText("line one\n.\n..two\nend");
                    transport.sendMessage(m, new InternetAddress[] {new InternetAddress("b@example.org")});
                }
            }
            assertThat(sink.awaitMessages(3, 5000)).isTrue();
            assertThat(sink.messages()).isEqualTo(3);
            assertThat(sink.connections()).isEqualTo(1);
        }
    }

    @Test
    void countsPipelinedMessagesOfSeveralConnections() throws Exception {
        try (SmtpSink sink = SmtpSink.start()) {
            new LeanSmtp(sink.port()).run(2, 50, true);
            // 200 warm-up messages plus 50 measured ones.
            assertThat(sink.awaitMessages(250, 5000)).isTrue();
            assertThat(sink.messages()).isEqualTo(250);
        }
    }
}
