package io.crmemail.core.integration;

import io.crmemail.core.message.Mailbox;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A way out for messages: an SMTP relay, a user's connected Gmail or Office 365 mailbox (XOAUTH2), or
 * direct delivery to the recipients' MX hosts ({@link IntegrationKind}). Credentials never leave the
 * library: they are not in {@link #toString()} and not in {@link SmtpOption}.
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
 * @param kind                 relay, connected mailbox or direct delivery
 * @param ownerUserId          the user whose connected mailbox this is; null when the whole account may use it
 * @param sandbox              true: messages are composed and recorded as sent but never transmitted
 * @param listUnsubscribe      true: messages carry one-click {@code List-Unsubscribe} (RFC 8058)
 * @param oauth                how the built-in token provider refreshes access tokens (connected mailboxes)
 * @param dkim                 DKIM keys; a message is signed with each key of its From domain
 * @param imap                 IMAP polling for replies, null for none
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
        Duration readTimeout,
        IntegrationKind kind,
        Long ownerUserId,
        boolean sandbox,
        boolean listUnsubscribe,
        OAuthSettings oauth,
        List<DkimKey> dkim,
        ImapSettings imap) {

    public SmtpIntegration {
        kind = kind == null ? IntegrationKind.SMTP : kind;
        host = host == null && kind == IntegrationKind.DIRECT ? "" : host;
        Objects.requireNonNull(host, "host");
        dkim = List.copyOf(dkim == null ? List.of() : dkim);
        if (kind.isOAuthMailbox() && (username == null || username.isBlank())) {
            throw new IllegalArgumentException("a connected " + kind.wire() + " mailbox needs its address as username");
        }
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

    /**
     * Starts a builder with sensible defaults: an SMTP relay with STARTTLS on 587, 2 connections, no rate
     * cap. For {@link IntegrationKind#GMAIL} and {@link IntegrationKind#OUTLOOK} the host defaults to
     * smtp.gmail.com / smtp.office365.com; {@link IntegrationKind#DIRECT} needs no host and uses port 25.
     */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().id(id).accountId(accountId).label(label).host(host).port(port).security(security)
                .credentials(username, password).fromDomains(fromDomains).fromIdentities(fromIdentities)
                .disablePixel(disablePixel).maxConnections(maxConnections)
                .maxMessagesPerSecond(maxMessagesPerSecond).connectTimeout(connectTimeout).readTimeout(readTimeout)
                .kind(kind).ownerUserId(ownerUserId).sandbox(sandbox).listUnsubscribe(listUnsubscribe).oauth(oauth)
                .dkim(dkim).imap(imap);
    }

    public boolean hasCredentials() {
        return username != null && !username.isEmpty();
    }

    /** True when the user may send through it: account-wide, or the user's own connected mailbox. */
    public boolean usableBy(long userId) {
        return ownerUserId == null || ownerUserId == userId;
    }

    /** True when {@code domain} (any case) is one of {@link #fromDomains()}. */
    public boolean allowsFromDomain(String domain) {
        return domain != null && fromDomains.contains(domain.toLowerCase(Locale.ROOT));
    }

    /**
     * The public view, without connection details or credentials. A connected mailbox's own address leads its
     * identities, so the compose modal can offer it.
     */
    public SmtpOption toOption() {
        List<Mailbox> identities = fromIdentities;
        if (kind.isOAuthMailbox() && fromIdentities.stream().noneMatch(m -> username.equalsIgnoreCase(m.email()))) {
            identities = new java.util.ArrayList<>(fromIdentities.size() + 1);
            identities.add(new Mailbox(null, username));
            identities.addAll(fromIdentities);
            identities = List.copyOf(identities);
        }
        return new SmtpOption(id, label, fromDomains, identities, disablePixel);
    }

    @Override
    public String toString() {
        return "SmtpIntegration[id=" + id + ", accountId=" + accountId + ", label=" + label + ", host=" + host
                + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", fromDomains=" + fromDomains + ", kind="
                + kind.wire() + ", ownerUserId=" + ownerUserId + ", sandbox=" + sandbox + ", oauth=" + oauth
                + ", dkim=" + dkim + ", imap=" + imap + "]";
    }

    /** Fluent builder for {@link SmtpIntegration}. */
    public static final class Builder {
        private long id;
        private long accountId;
        private String label;
        private String host;
        private Integer port;
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
        private IntegrationKind kind = IntegrationKind.SMTP;
        private Long ownerUserId;
        private boolean sandbox;
        private boolean listUnsubscribe;
        private OAuthSettings oauth;
        private List<DkimKey> dkim = List.of();
        private ImapSettings imap;

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
        public Builder kind(IntegrationKind v) { kind = v; return this; }
        public Builder ownerUserId(Long v) { ownerUserId = v; return this; }
        public Builder sandbox(boolean v) { sandbox = v; return this; }
        public Builder listUnsubscribe(boolean v) { listUnsubscribe = v; return this; }
        public Builder oauth(OAuthSettings v) { oauth = v; return this; }
        public Builder dkim(List<DkimKey> v) { dkim = v; return this; }
        public Builder dkim(DkimKey... v) { dkim = List.of(v); return this; }
        public Builder imap(ImapSettings v) { imap = v; return this; }

        public SmtpIntegration build() {
            String h = host != null ? host : defaultHost(kind);
            int p = port != null ? port : kind == IntegrationKind.DIRECT ? 25 : 587;
            String l = label != null ? label : kind == IntegrationKind.DIRECT ? "direct delivery"
                    : kind.isOAuthMailbox() ? username : h;
            return new SmtpIntegration(id, accountId, l, h, p, security, username, password, fromDomains,
                    fromIdentities, disablePixel, maxConnections, maxMessagesPerSecond, connectTimeout, readTimeout,
                    kind, ownerUserId, sandbox, listUnsubscribe, oauth, dkim, imap);
        }

        private static String defaultHost(IntegrationKind kind) {
            return switch (kind == null ? IntegrationKind.SMTP : kind) {
                case GMAIL -> "smtp.gmail.com";
                case OUTLOOK -> "smtp.office365.com";
                case DIRECT -> "";
                case SMTP -> null;
            };
        }
    }
}
