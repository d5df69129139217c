package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.ACCOUNT;
import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.crmemail.core.direct.DirectDeliveryOptions;
import io.crmemail.core.direct.MxLookupException;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.message.UnifiedStatus;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Direct delivery and sandbox integrations through the whole service: store, engine, transport, real servers. */
class DirectDeliveryServiceTest {

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    @TempDir
    Path temp;

    private static SmtpIntegration.Builder direct() {
        return SmtpIntegration.builder().accountId(ACCOUNT).kind(IntegrationKind.DIRECT).fromDomains("acme.com")
                .fromIdentities(new Mailbox("Sales", "sales@acme.com")).maxConnections(2)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5));
    }

    /** Every domain's MX is the loopback address, at the test server's port. */
    private static DirectDeliveryOptions toLoopback(int port, String... unknownDomains) {
        List<String> unknown = List.of(unknownDomains);
        return DirectDeliveryOptions.builder().allowInternalHosts(true).port(port).ehloName("mta.acme.com")
                .resolver(domain -> {
            if (unknown.contains(domain)) {
                throw MxLookupException.permanent(domain + " does not exist (NXDOMAIN)");
            }
            return List.of(domain.startsWith("later.") ? "127.0.0.2" : "127.0.0.1");
        }).build();
    }

    @Test
    void aDirectIntegrationDeliversToEachDomainsMxAndStampsDelivered() throws Exception {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        SmtpIntegration integration = world.store.saveIntegration(direct().build());
        try (EmailService service = world.serviceBuilder()
                .directDelivery(toLoopback(greenMail.getSmtp().getPort())).build()) {
            SendResult accepted = service.send(CALLER, world.request().integration(integration.id())
                    .cc("boss@second.example").build());

            assertThat(service.deliverDue()).isEqualTo(1);

            EmailMessage sent = service.get(CALLER, accepted.id());
            assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
            assertThat(sent.metadata().deliveredAt()).isEqualTo(world.clock.instant());
            assertThat(UnifiedStatus.of(sent)).isEqualTo(UnifiedStatus.DELIVERED);
            assertThat(sent.metadata().recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("lead@example.org", true),
                            org.assertj.core.groups.Tuple.tuple("boss@second.example", true));
            assertThat(service.events(CALLER, accepted.id())).extracting(EmailEvent::type)
                    .containsExactly(EventType.QUEUED, EventType.SENT, EventType.DELIVERED);
            MimeMessage[] received = greenMail.getReceivedMessages();
            assertThat(received).hasSize(2);
            assertThat(received[0].getMessageID()).isEqualTo(received[1].getMessageID());
        }
    }

    @Test
    void directDeliveryOptionsAlsoRouteDirectIntegrationsWhenTheHostGivesItsOwnTransports() throws Exception {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        SmtpIntegration integration = world.store.saveIntegration(direct().build());
        java.util.concurrent.atomic.AtomicInteger hostFactoryCalls = new java.util.concurrent.atomic.AtomicInteger();
        io.crmemail.core.delivery.SmtpTransportFactory relay = new io.crmemail.core.delivery.SmtpTransportFactory();
        try (EmailService service = world.serviceBuilder()
                .transports(i -> {
                    hostFactoryCalls.incrementAndGet();
                    return relay.create(i);
                })
                .directDelivery(toLoopback(greenMail.getSmtp().getPort())).build()) {
            SendResult accepted = service.send(CALLER, world.request().integration(integration.id()).build());

            assertThat(service.deliverDue()).isEqualTo(1);

            assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            assertThat(hostFactoryCalls).hasValue(0);
        }
    }

    @Test
    void aDeferredDomainIsRetriedAloneLaterAndTheOtherGetsTheMessageOnce() throws Exception {
        ScriptedSmtpServer now = ScriptedSmtpServer.start();
        ScriptedSmtpServer later = ScriptedSmtpServer.start(InetAddress.getByName("127.0.0.2"), now.port());
        later.rejectRecipient("@later.example", 451, "4.7.1 greylisted, try again later");
        TestWorld world = new TestWorld(temp, now.port());
        SmtpIntegration integration = world.store.saveIntegration(direct().build());
        try (now; later; EmailService service = world.serviceBuilder()
                .directDelivery(toLoopback(now.port(), "gone.example")).build()) {
            SendResult accepted = service.send(CALLER, world.request().integration(integration.id())
                    .cc("pat@later.example", "x@gone.example").build());
            Instant first = world.clock.instant();

            assertThat(service.deliverDue()).isEqualTo(1);
            EmailMessage waiting = service.get(CALLER, accepted.id());
            assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
            assertThat(waiting.metadata().error()).contains("pat@later.example").contains("451");
            // Direct delivery's own backoff: at least 30 minutes (RFC 5321 4.5.4.1).
            assertThat(waiting.metadata().nextAttemptAt()).isAfterOrEqualTo(first.plus(Duration.ofMinutes(30)));
            assertThat(waiting.metadata().deliveredAt()).isEqualTo(first);
            assertThat(waiting.metadata().recipients())
                    .extracting(RecipientResult::email, RecipientResult::accepted, RecipientResult::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("lead@example.org", true, 250),
                            org.assertj.core.groups.Tuple.tuple("pat@later.example", false, 451),
                            org.assertj.core.groups.Tuple.tuple("x@gone.example", false, 550));
            assertThat(now.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);

            later.acceptAllRecipients();
            world.clock.advance(Duration.ofHours(1));
            assertThat(service.deliverDue()).isEqualTo(1);

            EmailMessage sent = service.get(CALLER, accepted.id());
            assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
            assertThat(sent.metadata().recipients())
                    .extracting(RecipientResult::email, RecipientResult::accepted)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("lead@example.org", true),
                            org.assertj.core.groups.Tuple.tuple("pat@later.example", true),
                            org.assertj.core.groups.Tuple.tuple("x@gone.example", false));
            assertThat(sent.metadata().error()).contains("x@gone.example").doesNotContain("pat@later.example");
            assertThat(later.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients())
                    .containsExactly("pat@later.example");
            // The accepting domain got the message exactly once across both attempts; the unknown domain never.
            assertThat(now.messages()).hasSize(1);
            assertThat(now.messages().get(0).recipients()).containsExactly("lead@example.org");
            // Sent (and delivered) to each as it accepted; sent means first accepted.
            assertThat(service.events(CALLER, accepted.id())).extracting(EmailEvent::type).containsExactly(
                    EventType.QUEUED, EventType.SENT, EventType.RETRY, EventType.DELIVERED, EventType.SENT,
                    EventType.DELIVERED);
            assertThat(sent.metadata().sentAt()).isEqualTo(first);
        }
    }

    @Test
    void anEngineLevelHiccupOfADirectMessageBacksOffWithDirectDeliverysPolicy() throws Exception {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        SmtpIntegration integration = world.store.saveIntegration(direct().build());
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.crmemail.core.record.RecordDirectory flaky = new io.crmemail.core.record.RecordDirectory() {
            @Override
            public java.util.Optional<io.crmemail.core.record.TableInfo> table(long accountId, long tableId) {
                return world.records.table(accountId, tableId);
            }

            @Override
            public java.util.Optional<Map<String, Object>> record(long accountId, long tableId, long recordId) {
                if (!up.get()) {
                    throw new IllegalStateException("connection pool exhausted");
                }
                return world.records.record(accountId, tableId, recordId);
            }
        };
        try (EmailService service = world.serviceBuilder().records(flaky)
                .directDelivery(toLoopback(greenMail.getSmtp().getPort())).build()) {
            SendResult accepted = service.send(CALLER, world.request().integration(integration.id()).build());
            up.set(false);

            // The engine's policy (3 attempts, 1 minute apart) would have dropped it by the third attempt.
            for (int attempt = 1; attempt <= 3; attempt++) {
                Instant now = world.clock.instant();
                assertThat(service.deliverDue()).isEqualTo(1);
                EmailMessage waiting = service.get(CALLER, accepted.id());
                assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
                assertThat(waiting.metadata().error()).contains("could not load the record");
                assertThat(waiting.metadata().nextAttemptAt()).isAfterOrEqualTo(now.plus(Duration.ofMinutes(30)));
                world.clock.set(waiting.metadata().nextAttemptAt());
            }
            assertThat(greenMail.getReceivedMessages()).isEmpty();
        }
    }

    @Test
    void aSandboxIntegrationComposesAndRecordsButNeverTransmits() throws Exception {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        SmtpIntegration sandboxRelay = world.store.saveIntegration(world.integration.toBuilder().id(0)
                .sandbox(true).build());
        // A direct sandbox with the real DNS resolver: an unresolvable domain changes nothing.
        SmtpIntegration sandboxDirect = world.store.saveIntegration(direct().sandbox(true).build());
        try (EmailService service = world.serviceBuilder().build()) {
            SendResult relay = service.send(CALLER, world.request().integration(sandboxRelay.id()).build());
            SendResult unresolvable = service.send(CALLER, world.request().integration(sandboxDirect.id())
                    .cc("someone@nowhere.invalid").build());

            assertThat(service.deliverDue()).isEqualTo(2);

            for (SendResult accepted : List.of(relay, unresolvable)) {
                EmailMessage sent = service.get(CALLER, accepted.id());
                assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
                assertThat(sent.metadata().smtpResponse()).isEqualTo("sandbox: not transmitted");
                assertThat(sent.metadata().deliveredAt()).isNull();
                assertThat(sent.metadata().renderedSubject()).isEqualTo("Welcome Jane Doe");
                EmailEvent sentEvent = service.events(CALLER, accepted.id()).stream()
                        .filter(e -> e.type() == EventType.SENT).findFirst().orElseThrow();
                assertThat(sentEvent.details()).containsEntry("smtpResponse", "sandbox: not transmitted");
            }
            assertThat(greenMail.getReceivedMessages()).isEmpty();
        }
    }
}
