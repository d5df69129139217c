package io.crmemail.core.direct;

import io.crmemail.core.delivery.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How direct delivery works. Connect and read timeouts and the connections per MX host come from the
 * integration ({@code connectTimeout}, {@code readTimeout}, {@code maxConnections}).
 *
 * @param resolver        finds each domain's mail hosts
 * @param ehloName        the name given in EHLO; should be the name the sending IP's PTR record points to. Null:
 *                        the local host name
 * @param port            the port of the MX hosts; 0 for the integration's port (25 unless set)
 * @param retryPolicy     backoff for deferred recipients
 * @param idleHostTimeout how long the connections to an MX host are kept after its last message
 * @param allowInternalHosts false (the default): an MX host that resolves to a loopback, private, link-local or
 *                        wildcard address is refused, so that a recipient address cannot make the server talk SMTP to
 *                        itself or to the internal network; true for tests and private relays
 */
public record DirectDeliveryOptions(MxResolver resolver, String ehloName, int port, RetryPolicy retryPolicy,
                                    Duration idleHostTimeout, boolean allowInternalHosts) {

    public DirectDeliveryOptions {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(idleHostTimeout, "idleHostTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (ehloName != null && (ehloName.isBlank() || !ehloName.matches("[A-Za-z0-9.\\-\\[\\]:]+"))) {
            throw new IllegalArgumentException("ehloName must be a host name or address literal: " + ehloName);
        }
        if (idleHostTimeout.isNegative()) {
            throw new IllegalArgumentException("idleHostTimeout must not be negative");
        }
    }

    /** DNS resolver, local host name, port 25, {@link RetryPolicy#directDelivery()}, 60 s idle. */
    public static DirectDeliveryOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private MxResolver resolver;
        private String ehloName;
        private int port;
        private RetryPolicy retryPolicy = RetryPolicy.directDelivery();
        private Duration idleHostTimeout = Duration.ofSeconds(60);
        private boolean allowInternalHosts;

        private Builder() {
        }

        /** Default: {@link MxResolver#dns()}. */
        public Builder resolver(MxResolver v) { resolver = v; return this; }
        public Builder ehloName(String v) { ehloName = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = v; return this; }
        public Builder idleHostTimeout(Duration v) { idleHostTimeout = v; return this; }
        /** Deliver to MX hosts on loopback, private and link-local addresses too (default false). */
        public Builder allowInternalHosts(boolean v) { allowInternalHosts = v; return this; }

        public DirectDeliveryOptions build() {
            return new DirectDeliveryOptions(resolver != null ? resolver : MxResolver.dns(), ehloName, port,
                    retryPolicy, idleHostTimeout, allowInternalHosts);
        }
    }
}
