package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One transport and one rate limiter per integration, kept while the integration is unchanged so its
 * connections are reused across messages and batches; replaced when its settings change. A sandbox integration
 * gets a {@link SandboxTransport} whatever the factory: it must never open a connection.
 */
final class IntegrationTransports implements AutoCloseable {

    private record Entry(SmtpIntegration integration, MailTransport transport, RateLimiter limiter) {
    }

    private final MailTransportFactory factory;
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

    IntegrationTransports(MailTransportFactory factory) {
        this.factory = factory;
    }

    MailTransport transport(SmtpIntegration integration) {
        return entry(integration).transport();
    }

    /** Waits for the integration's rate limit; false when interrupted. */
    boolean acquire(SmtpIntegration integration) {
        return entry(integration).limiter().acquire();
    }

    private Entry entry(SmtpIntegration integration) {
        Entry current = entries.get(integration.id());
        if (current != null && current.integration().equals(integration)) {
            return current;
        }
        synchronized (this) {
            Entry again = entries.get(integration.id());
            if (again != null && again.integration().equals(integration)) {
                return again;
            }
            Entry fresh = new Entry(integration,
                    integration.sandbox() ? new SandboxTransport() : factory.create(integration),
                    new RateLimiter(integration.maxMessagesPerSecond()));
            entries.put(integration.id(), fresh);
            if (again != null) {
                again.transport().close();
            }
            return fresh;
        }
    }

    @Override
    public synchronized void close() {
        entries.values().forEach(e -> e.transport().close());
        entries.clear();
    }
}
