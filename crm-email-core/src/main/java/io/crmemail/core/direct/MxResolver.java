package io.crmemail.core.direct;

import java.time.Duration;
import java.util.List;

/**
 * Finds where mail for a domain goes (RFC 5321 §5.1). Pluggable so that tests and hosts with their own DNS
 * setup can point direct delivery anywhere, e.g. {@code domain -> List.of("127.0.0.1")}.
 */
@FunctionalInterface
public interface MxResolver {

    /**
     * The hosts that take mail for {@code domain}, most preferred first, never empty: its MX hosts, or the
     * domain itself when it has no MX record but an address record.
     *
     * @throws MxLookupException permanent for a domain that does not exist or publishes a null MX (RFC 7505),
     *                           temporary for DNS timeouts and server failures
     */
    List<String> mailHosts(String domain) throws MxLookupException;

    /** The system's DNS resolvers (JNDI), 5 s per query, answers kept for 5 minutes. */
    static MxResolver dns() {
        return dns(Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    /**
     * The system's DNS resolvers (JNDI {@code dns:}, as configured in {@code /etc/resolv.conf}).
     *
     * @param timeout how long one query may take before it counts as a temporary failure
     * @param cacheFor how long answers (and permanent failures) are kept; zero for no caching
     */
    static MxResolver dns(Duration timeout, Duration cacheFor) {
        return new DnsMxResolver(DnsMxResolver.jndi(timeout), cacheFor);
    }
}
