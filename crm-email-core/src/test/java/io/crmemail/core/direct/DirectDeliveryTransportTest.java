package io.crmemail.core.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Direct delivery against scripted SMTP servers on loopback addresses, found through a table resolver. */
class DirectDeliveryTransportTest {

    private static final String BOUNCES = "bounces@crm.example";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScriptedSmtpServer smtp = track(ScriptedSmtpServer.start());

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private DirectDeliveryTransport transport(Map<String, List<String>> mx) {
        return transport(mx, smtp.port());
    }

    private DirectDeliveryTransport transport(Map<String, List<String>> mx, int port) {
        MxResolver resolver = domain -> {
            List<String> hosts = mx.get(domain);
            if (hosts == null) {
                throw MxLookupException.permanent(domain + " does not exist (NXDOMAIN)");
            }
            return hosts;
        };
        SmtpIntegration direct = SmtpIntegration.builder().id(7).accountId(1).kind(IntegrationKind.DIRECT)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).build();
        return track(new DirectDeliveryTransport(direct, DirectDeliveryOptions.builder().allowInternalHosts(true)
                .resolver(resolver).port(port).ehloName("mta.crm.example").build()));
    }

    private static MimeMessage message(String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("sales@crm.example");
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("a@one.example, b@two.example"));
        m.setSubject(subject);
        m.setText("hello");
        m.saveChanges();
        return m;
    }

    private static Envelope envelope(String... recipients) {
        return new Envelope(BOUNCES, List.of(recipients));
    }

    @Test
    void recipientsAreGroupedByDomainAndOneConnectionPerMxHostServesThemAll() throws Exception {
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.1"),
                "two.example", List.of("127.0.0.1")));

        TransportResult r = transport.send(message("hi"), envelope("a@one.example", "b@two.example",
                "c@ONE.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(r.delivered()).isTrue();
        assertThat(r.recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                .containsExactly(tuple("a@one.example", true), tuple("b@two.example", true),
                        tuple("c@ONE.example", true));
        List<ScriptedSmtpServer.Received> got = smtp.awaitMessages(2, Duration.ofSeconds(5));
        assertThat(got).extracting(ScriptedSmtpServer.Received::recipients)
                .containsExactly(List.of("a@one.example", "c@ONE.example"), List.of("b@two.example"));
        assertThat(got).allSatisfy(m -> {
            assertThat(m.mailFrom()).isEqualTo(BOUNCES);
            assertThat(m.ehlo()).isEqualTo("mta.crm.example");
        });
        assertThat(smtp.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aHostRefusingConnectionsPassesTheDomainToTheNextMx() throws Exception {
        // Nothing listens on 127.0.0.2 at the server's port: the first MX refuses the connection.
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.2", "127.0.0.1")));

        TransportResult r = transport.send(message("fallback"), envelope("a@one.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("a@one.example");
    }

    @Test
    void a421PassesTheDomainToTheNextMxButOther4xxDoNot() throws Exception {
        ScriptedSmtpServer busy = track(ScriptedSmtpServer.start(InetAddress.getByName("127.0.0.2"), smtp.port()));
        busy.replyToMailFrom(421, "4.3.2 shutting down", 5);
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.2", "127.0.0.1")));

        assertThat(transport.send(message("421"), envelope("a@one.example")).outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
        assertThat(busy.messages()).isEmpty();

        smtp.replyToData(451, "4.3.0 try later");
        TransportResult deferred = transport(Map.of("one.example", List.of("127.0.0.1", "127.0.0.2")))
                .send(message("451"), envelope("a@one.example"));
        assertThat(deferred.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(deferred.recipients()).containsExactly(
                new RecipientResult("a@one.example", false, 451, "451 4.3.0 try later"));
    }

    @Test
    void aDomainWithoutMxIsDeliveredToItsOwnAddressWhenTheResolverSaysSo() throws Exception {
        // The resolver's A fallback: the domain itself is the host (here a literal loopback address).
        DirectDeliveryTransport transport = transport(Map.of("127.0.0.1", List.of("127.0.0.1")));

        TransportResult r = transport.send(message("a"), envelope("postmaster@127.0.0.1"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void unknownAndNullMxDomainsFailForGoodWhileOthersAreSent() throws Exception {
        MxResolver resolver = domain -> switch (domain) {
            case "one.example" -> List.of("127.0.0.1");
            case "nomail.example" -> throw MxLookupException.permanent("nomail.example does not accept mail (null MX)");
            default -> throw MxLookupException.permanent(domain + " does not exist (NXDOMAIN)");
        };
        SmtpIntegration direct = SmtpIntegration.builder().id(7).accountId(1).kind(IntegrationKind.DIRECT).build();
        DirectDeliveryTransport transport = track(new DirectDeliveryTransport(direct,
                DirectDeliveryOptions.builder().allowInternalHosts(true).resolver(resolver).port(smtp.port()).build()));

        TransportResult all = transport.send(message("x"), envelope("x@nomail.example", "y@gone.example"));
        assertThat(all.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(all.code()).isEqualTo(550);
        assertThat(all.serverReply()).contains("null MX").contains("NXDOMAIN");

        TransportResult some = transport.send(message("y"), envelope("a@one.example", "x@nomail.example"));
        assertThat(some.outcome()).isEqualTo(Outcome.SENT);
        assertThat(some.recipients()).extracting(RecipientResult::email, RecipientResult::accepted, RecipientResult::code)
                .containsExactly(tuple("a@one.example", true, 250), tuple("x@nomail.example", false, 550));
        assertThat(some.deferred()).isEmpty();
    }

    @Test
    void aTemporaryDnsFailureDefersTheDomain() throws Exception {
        MxResolver resolver = domain -> {
            throw MxLookupException.temporary("DNS lookup of " + domain + " failed: timeout", null);
        };
        SmtpIntegration direct = SmtpIntegration.builder().id(7).accountId(1).kind(IntegrationKind.DIRECT).build();
        DirectDeliveryTransport transport = track(new DirectDeliveryTransport(direct,
                DirectDeliveryOptions.builder().allowInternalHosts(true).resolver(resolver).port(smtp.port()).build()));

        TransportResult r = transport.send(message("x"), envelope("a@one.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.deferred()).extracting(RecipientResult::email).containsExactly("a@one.example");
    }

    @Test
    void aDomainAnswering4xxIsDeferredWhileTheOtherIsSent() throws Exception {
        ScriptedSmtpServer later = track(ScriptedSmtpServer.start(InetAddress.getByName("127.0.0.2"), smtp.port()));
        later.rejectRecipient("@two.example", 451, "4.7.1 greylisted, try again later");
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.1"),
                "two.example", List.of("127.0.0.2")));

        TransportResult r = transport.send(message("partial"), envelope("a@one.example", "b@two.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.SENT);
        assertThat(r.deferred()).containsExactly(
                new RecipientResult("b@two.example", false, 451, "451 4.7.1 greylisted, try again later"));
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
        assertThat(later.messages()).isEmpty();
    }

    @Test
    void startTlsIsUsedWhenOfferedWhateverTheCertificate() throws Exception {
        smtp.offerStartTls();
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.1")));

        assertThat(transport.send(message("tls"), envelope("a@one.example")).outcome()).isEqualTo(Outcome.SENT);

        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0).tls()).isTrue();
    }

    @Test
    void aFailedTlsHandshakeFallsBackToPlainTextForTheHost() throws Exception {
        smtp.offerBrokenStartTls();
        DirectDeliveryTransport transport = transport(Map.of("one.example", List.of("127.0.0.1")));

        TransportResult first = transport.send(message("tls broken"), envelope("a@one.example"));
        TransportResult second = transport.send(message("again"), envelope("a@one.example"));

        assertThat(first.outcome()).isEqualTo(Outcome.SENT);
        assertThat(second.outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.awaitMessages(2, Duration.ofSeconds(5))).extracting(ScriptedSmtpServer.Received::tls)
                .containsExactly(false, false);
        // One broken handshake, then one plain connection reused for both messages.
        assertThat(smtp.connectionsOpened()).isEqualTo(2);
    }

    @Test
    void byDefaultMxHostsOnInternalAddressesAreRefusedWithoutConnecting() throws Exception {
        SmtpIntegration direct = SmtpIntegration.builder().id(7).accountId(1).kind(IntegrationKind.DIRECT).build();
        DirectDeliveryTransport transport = track(new DirectDeliveryTransport(direct, DirectDeliveryOptions.builder()
                .resolver(d -> List.of("localhost", "127.0.0.2")).port(smtp.port()).build()));

        TransportResult result = transport.send(message("internal"), envelope("root@one.example"));

        assertThat(result.outcome()).isEqualTo(TransportResult.Outcome.PERMANENT_FAILURE);
        assertThat(result.serverReply()).contains("internal address").contains("127.0.0.2");
        assertThat(result.recipients()).singleElement().satisfies(r -> assertThat(r.accepted()).isFalse());
        assertThat(smtp.messages()).isEmpty();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("192.168.0.1"))).isTrue();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("169.254.1.1"))).isTrue();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("fd00::1"))).isTrue();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("100.64.0.1"))).isTrue();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("203.0.113.5"))).isFalse();
        assertThat(InternalHosts.isInternal(java.net.InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void idleHostsAreClosedAndClosedTransportsRefuseToSend() throws Exception {
        SmtpIntegration direct = SmtpIntegration.builder().id(7).accountId(1).kind(IntegrationKind.DIRECT).build();
        DirectDeliveryTransport transport = track(new DirectDeliveryTransport(direct, DirectDeliveryOptions.builder()
                .allowInternalHosts(true).resolver(d -> List.of("127.0.0.1")).port(smtp.port())
                .idleHostTimeout(Duration.ZERO).build()));

        transport.send(message("1"), envelope("a@one.example"));
        assertThat(transport.openHosts()).isEqualTo(1);
        Thread.sleep(5);
        transport.send(message("2"), envelope("a@one.example"));
        // The idle host was closed before the second message, which opened a new connection.
        assertThat(smtp.connectionsOpened()).isEqualTo(2);

        transport.close();
        TransportResult closed = transport.send(message("3"), envelope("a@one.example"));
        assertThat(closed.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(closed.serverReply()).isEqualTo("transport closed");
    }
}
