package io.crmemail.core.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.naming.CommunicationException;
import javax.naming.NameNotFoundException;
import javax.naming.ServiceUnavailableException;
import org.junit.jupiter.api.Test;

class DnsMxResolverTest {

    /** Answers from a table ("name TYPE" → records), counting the queries; a name in {@code failing} fails. */
    private static final class FakeDns implements DnsMxResolver.Lookup {
        final Map<String, List<String>> records;
        final List<String> queries = new ArrayList<>();
        javax.naming.NamingException failure;

        FakeDns(Map<String, List<String>> records) {
            this.records = records;
        }

        @Override
        public List<String> records(String name, String type) throws javax.naming.NamingException {
            queries.add(name + " " + type);
            if (failure != null) {
                throw failure;
            }
            if (records.keySet().stream().noneMatch(k -> k.startsWith(name + " "))) {
                throw new NameNotFoundException("[response code 3] " + name);
            }
            return records.getOrDefault(name + " " + type, List.of());
        }
    }

    private static DnsMxResolver resolver(FakeDns dns) {
        return new DnsMxResolver(dns, Duration.ofMinutes(5));
    }

    @Test
    void parsesJndiMxAnswersAndOrdersThemByPreference() throws Exception {
        FakeDns dns = new FakeDns(Map.of("example.com MX",
                List.of("20 backup.example.com.", "10 MX1.Example.com.", "30 last.example.net")));

        assertThat(resolver(dns).mailHosts("Example.COM."))
                .containsExactly("mx1.example.com", "backup.example.com", "last.example.net");
        assertThat(dns.queries).containsExactly("example.com MX");
    }

    @Test
    void equalPreferencesComeInRandomOrder() {
        List<DnsMxResolver.Mx> mx = DnsMxResolver.parse(List.of("10 a.example.", "10 b.example.", "10 c.example.",
                "5 first.example."));
        Set<List<String>> orders = new HashSet<>();
        Random random = new Random(42);
        for (int i = 0; i < 50; i++) {
            List<String> order = DnsMxResolver.order(mx, random);
            assertThat(order.get(0)).isEqualTo("first.example");
            assertThat(order).containsExactlyInAnyOrder("first.example", "a.example", "b.example", "c.example");
            orders.add(order);
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    @Test
    void noMxFallsBackToTheDomainsOwnAddress() throws Exception {
        FakeDns dns = new FakeDns(Map.of("plain.example A", List.of("192.0.2.7")));

        assertThat(resolver(dns).mailHosts("plain.example")).containsExactly("plain.example");
        assertThat(dns.queries).containsExactly("plain.example MX", "plain.example A");
    }

    @Test
    void ipv6OnlyDomainAlsoFallsBack() throws Exception {
        FakeDns dns = new FakeDns(Map.of("six.example AAAA", List.of("2001:db8::1")));

        assertThat(resolver(dns).mailHosts("six.example")).containsExactly("six.example");
    }

    @Test
    void aNullMxIsPermanent() {
        FakeDns dns = new FakeDns(Map.of("nomail.example MX", List.of("0 ."), "nomail.example A", List.of("192.0.2.1")));

        assertThatThrownBy(() -> resolver(dns).mailHosts("nomail.example"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isTrue())
                .hasMessageContaining("null MX");
    }

    @Test
    void aDomainThatDoesNotExistIsPermanent() {
        FakeDns dns = new FakeDns(Map.of());

        assertThatThrownBy(() -> resolver(dns).mailHosts("gone.example"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isTrue())
                .hasMessageContaining("NXDOMAIN");
    }

    @Test
    void aDomainWithNeitherMxNorAddressIsPermanent() {
        FakeDns dns = new FakeDns(Map.of("empty.example TXT", List.of("v=spf1 -all")));

        assertThatThrownBy(() -> resolver(dns).mailHosts("empty.example"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isTrue())
                .hasMessageContaining("no MX and no address");
    }

    @Test
    void timeoutsAndServerFailuresAreTemporaryAndNotCached() throws Exception {
        FakeDns dns = new FakeDns(Map.of("flaky.example MX", List.of("10 mx.flaky.example.")));
        DnsMxResolver resolver = resolver(dns);
        dns.failure = new CommunicationException("DNS timeout");
        assertThatThrownBy(() -> resolver.mailHosts("flaky.example"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isFalse());
        dns.failure = new ServiceUnavailableException("SERVFAIL");
        assertThatThrownBy(() -> resolver.mailHosts("flaky.example"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isFalse());

        dns.failure = null;
        assertThat(resolver.mailHosts("flaky.example")).containsExactly("mx.flaky.example");
        assertThat(dns.queries).hasSize(3);
    }

    @Test
    void answersAndPermanentFailuresAreCached() throws Exception {
        FakeDns dns = new FakeDns(Map.of("a.example MX", List.of("10 mx.a.example.")));
        DnsMxResolver resolver = resolver(dns);

        resolver.mailHosts("a.example");
        resolver.mailHosts("A.example");
        assertThatThrownBy(() -> resolver.mailHosts("gone.example")).isInstanceOf(MxLookupException.class);
        assertThatThrownBy(() -> resolver.mailHosts("gone.example")).isInstanceOf(MxLookupException.class);

        assertThat(dns.queries).containsExactly("a.example MX", "gone.example MX");

        DnsMxResolver uncached = new DnsMxResolver(dns, Duration.ZERO);
        uncached.mailHosts("a.example");
        uncached.mailHosts("a.example");
        assertThat(dns.queries).hasSize(4);
    }

    @Test
    void theRealResolverRefusesInvalidAtOnceAndKnowsLocalhost() throws Exception {
        // No network needed: .invalid and localhost are answered without a query (RFC 6761).
        MxResolver dns = MxResolver.dns(Duration.ofSeconds(2), Duration.ofMinutes(5));
        assertThatThrownBy(() -> dns.mailHosts("nowhere.invalid"))
                .isInstanceOfSatisfying(MxLookupException.class, e -> assertThat(e.isPermanent()).isTrue());
        assertThat(dns.mailHosts("localhost")).containsExactly("localhost");
        assertThat(dns.mailHosts("mail.localhost.")).containsExactly("localhost");
    }
}
