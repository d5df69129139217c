package io.crmemail.core.integration;

import io.crmemail.core.message.Mailbox;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An SMTP account a message can go out through. Credentials never leave the library: they are not in
 * {@link #toString()} and not in {@link SmtpOption}.
 *
 * @param id                   integration id
 * @param accountId            owning account
 * @param label                display label, e.g. {@code smtp@acme.com}
 * @param host                 SMTP host
 * @param port                 SMTP port
 * @param security             none, STARTTLS or implicit TLS
 * @param username             login, null for no authentication
 * @param password             secret, null for no authentication
 * @param fromDomains          domains a From address may use (lower case)
 * @param fromIdentities       suggested sender identities
 * @param disablePixel         true: no open-tracking pixel in messages sent through it
 * @param maxConnections       SMTP connections kept open in parallel
 * @param maxMessagesPerSecond send rate cap, 0 for none
 * @param connectTimeout       connect timeout
 * @param readTimeout          timeout for each server reply
 */
public record SmtpIntegration(
        long id,
        long accountId,
        String label,
        String host,
        int port,
        SmtpSecurity security,
        String username,
        String password,
        List<String> fromDomains,
        List<Mailbox> fromIdentities,
        boolean disablePixel,
        int maxConnections,
        double maxMessagesPerSecond,
        Duration connectTimeout,
        Duration readTimeout) {

    public SmtpIntegration {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        fromDomains = fromDomains == null ? List.of()
                : fromDomains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT)).toList();
        fromIdentities = List.copyOf(fromIdentities == null ? List.of() : fromIdentities);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        if (maxMessagesPerSecond < 0) {
            throw new IllegalArgumentException("maxMessagesPerSecond must not be negative");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
    }

    /** Starts a builder with sensible defaults (STARTTLS on 587, 2 connections, no rate cap). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().id(id).accountId(accountId).label(label).host(host).port(port).security(security)
                .credentials(username, password).fromDomains(fromDomains).fromIdentities(fromIdentities)
                .disablePixel(disablePixel).maxConnections(maxConnections)
                .maxMessagesPerSecond(maxMessagesPerSecond).connectTimeout(connectTimeout).readTimeout(readTimeout);
    }

    public boolean hasCredentials() {
        return username != null && !username.isEmpty();
    }

    /** True when {@code domain} (any case) is one of {@link #fromDomains()}. */
    public boolean allowsFromDomain(String domain) {
        return domain != null && fromDomains.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** The public view, without connection details or credentials. */
    public SmtpOption toOption() {
        return new SmtpOption(id, label, fromDomains, fromIdentities, disablePixel);
    }

    @Override
    public String toString() {
        return "SmtpIntegration[id=" + id + ", accountId=" + accountId + ", label=" + label + ", host=" + host
                + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", fromDomains=" + fromDomains + "]";
    }

    /** Fluent builder for {@link SmtpIntegration}. */
    public static final class Builder {
        private long id;
        private long accountId;
        private String label;
        private String host;
        private int port = 587;
        private SmtpSecurity security = SmtpSecurity.STARTTLS;
        private String username;
        private String password;
        private List<String> fromDomains = List.of();
        private List<Mailbox> fromIdentities = List.of();
        private boolean disablePixel;
        private int maxConnections = 2;
        private double maxMessagesPerSecond;
        private Duration connectTimeout;
        private Duration readTimeout;

        public Builder id(long v) { id = v; return this; }
        public Builder accountId(long v) { accountId = v; return this; }
        public Builder label(String v) { label = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder security(SmtpSecurity v) { security = v; return this; }
        public Builder credentials(String user, String secret) { username = user; password = secret; return this; }
        public Builder fromDomains(List<String> v) { fromDomains = v; return this; }
        public Builder fromDomains(String... v) { fromDomains = List.of(v); return this; }
        public Builder fromIdentities(List<Mailbox> v) { fromIdentities = v; return this; }
        public Builder fromIdentities(Mailbox... v) { fromIdentities = List.of(v); return this; }
        public Builder disablePixel(boolean v) { disablePixel = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxMessagesPerSecond(double v) { maxMessagesPerSecond = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }

        public SmtpIntegration build() {
            return new SmtpIntegration(id, accountId, label == null ? host : label, host, port, security, username,
                    password, fromDomains, fromIdentities, disablePixel, maxConnections, maxMessagesPerSecond,
                    connectTimeout, readTimeout);
        }
    }
}
