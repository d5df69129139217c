package io.crmemail.core.direct;

import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * {@link MxResolver} over DNS: MX records sorted by preference, hosts of equal preference in random order
 * (RFC 5321 §5.1, to spread load); no MX but an A or AAAA record → the domain itself; a null MX ({@code 0 .},
 * RFC 7505), a domain that does not exist or has neither → permanent; timeouts and server failures → temporary.
 * Names under {@code .invalid} fail at once without a query and {@code localhost} is itself (RFC 6761).
 *
 * <p>Answers and permanent failures are kept for a while (DNS TTLs are not visible through JNDI, so one fixed
 * time); temporary failures are not kept. Equal preferences are shuffled on every call, cached or not.
 */
final class DnsMxResolver implements MxResolver {

    /** One DNS query: the records of a type as JNDI renders them, empty when there are none. */
    @FunctionalInterface
    interface Lookup {
        List<String> records(String name, String type) throws NamingException;
    }

    record Mx(int preference, String host) {
    }

    /** What a domain resolved to: its exchangers, or why it never will. */
    private record Answer(List<Mx> exchangers, String permanentFailure, long expiresAtNanos) {
    }

    private static final int MAX_CACHED = 10_000;

    private final Lookup lookup;
    private final long cacheNanos;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    DnsMxResolver(Lookup lookup, Duration cacheFor) {
        this.lookup = lookup;
        this.cacheNanos = cacheFor.toNanos();
    }

    /** Queries through the JDK's DNS provider against the system's resolvers. */
    static Lookup jndi(Duration timeout) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, "dns:");
        env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(1, timeout.toMillis())));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        return (name, type) -> {
            DirContext context = new InitialDirContext(env);
            try {
                Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
                List<String> values = new ArrayList<>();
                if (attribute != null) {
                    for (NamingEnumeration<?> all = attribute.getAll(); all.hasMore(); ) {
                        values.add(String.valueOf(all.next()));
                    }
                }
                return values;
            } finally {
                context.close();
            }
        };
    }

    @Override
    public List<String> mailHosts(String domain) throws MxLookupException {
        String name = normalise(domain);
        if (name.equals("invalid") || name.endsWith(".invalid")) {
            throw MxLookupException.permanent(name + " is under .invalid, which never resolves (RFC 6761)");
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return List.of("localhost");
        }
        Answer answer = cache.get(name);
        if (answer == null || answer.expiresAtNanos() - System.nanoTime() < 0) {
            answer = resolve(name);
            remember(name, answer);
        }
        if (answer.permanentFailure() != null) {
            throw MxLookupException.permanent(answer.permanentFailure());
        }
        return order(answer.exchangers(), ThreadLocalRandom.current());
    }

    private Answer resolve(String name) throws MxLookupException {
        long expires = System.nanoTime() + cacheNanos;
        try {
            List<String> mx = lookup.records(name, "MX");
            if (!mx.isEmpty()) {
                List<Mx> parsed = parse(mx);
                if (parsed.isEmpty()) {
                    return new Answer(null, name + " does not accept mail (null MX, RFC 7505)", expires);
                }
                return new Answer(parsed, null, expires);
            }
            if (!lookup.records(name, "A").isEmpty() || !lookup.records(name, "AAAA").isEmpty()) {
                return new Answer(List.of(new Mx(0, name)), null, expires);
            }
            return new Answer(null, name + " has no MX and no address record", expires);
        } catch (NameNotFoundException e) {
            return new Answer(null, name + " does not exist (NXDOMAIN)", expires);
        } catch (NamingException | RuntimeException e) {
            throw MxLookupException.temporary("DNS lookup of " + name + " failed: " + e, e);
        }
    }

    private void remember(String name, Answer answer) {
        if (cacheNanos <= 0) {
            return;
        }
        if (cache.size() >= MAX_CACHED) {
            long now = System.nanoTime();
            cache.values().removeIf(a -> a.expiresAtNanos() - now < 0);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(name, answer);
    }

    /**
     * MX records as JNDI renders them ({@code "10 mx1.example.com."}), without the null MX ({@code "0 ."}):
     * empty when that is all there is. A record that does not parse is skipped.
     */
    static List<Mx> parse(List<String> records) {
        List<Mx> out = new ArrayList<>(records.size());
        for (String record : records) {
            String[] parts = record.strip().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            int preference;
            try {
                preference = Integer.parseInt(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            String host = parts[1].endsWith(".") ? parts[1].substring(0, parts[1].length() - 1) : parts[1];
            if (!host.isEmpty()) {
                out.add(new Mx(preference, host.toLowerCase(Locale.ROOT)));
            }
        }
        return out;
    }

    /** Host names by preference, equal preferences shuffled. */
    static List<String> order(List<Mx> exchangers, Random random) {
        List<Mx> shuffled = new ArrayList<>(exchangers);
        Collections.shuffle(shuffled, random);
        shuffled.sort(Comparator.comparingInt(Mx::preference));
        return shuffled.stream().map(Mx::host).distinct().toList();
    }

    static String normalise(String domain) throws MxLookupException {
        String name = domain == null ? "" : domain.strip();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw MxLookupException.permanent("not a valid domain: " + domain);
        }
        if (name.isEmpty()) {
            throw MxLookupException.permanent("not a valid domain: '" + domain + "'");
        }
        return name;
    }
}
