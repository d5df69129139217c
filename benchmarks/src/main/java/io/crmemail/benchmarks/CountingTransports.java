package io.crmemail.benchmarks;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.MailTransportFactory;
import io.crmemail.core.delivery.SmtpTransportFactory;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.integration.SmtpIntegration;
import jakarta.mail.internet.MimeMessage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's real {@link SmtpTransportFactory}, with a counter of messages the server accepted (and of
 * failures), so a run counts delivered messages whatever sink it talks to. Its SMTP client is the
 * default (pipelined) one unless {@link #usePipelining(boolean)} says otherwise.
 */
final class CountingTransports implements MailTransportFactory {

    private static volatile boolean pipelining = true;

    private final MailTransportFactory delegate = new SmtpTransportFactory().pipelining(pipelining);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    @Override
    public MailTransport create(SmtpIntegration integration) {
        MailTransport transport = delegate.create(integration);
        return new MailTransport() {
            @Override
            public TransportResult send(MimeMessage message, Envelope envelope) {
                TransportResult result = transport.send(message, envelope);
                (result.outcome() == TransportResult.Outcome.SENT ? sent : failed).incrementAndGet();
                return result;
            }

            @Override
            public void close() {
                transport.close();
            }
        };
    }

    /** Chooses the SMTP client of the transports made from now on: pipelined (default) or Angus. */
    static void usePipelining(boolean enabled) {
        pipelining = enabled;
    }

    /** Waits until {@code count} messages were sent; false on timeout. */
    boolean awaitSent(long count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (sent.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
