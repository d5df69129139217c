package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, bounces, partial rejections and lease recovery, driven by a scripted SMTP server and a hand-moved clock. */
class DeliveryOutcomeTest {

    @TempDir
    Path temp;

    ScriptedSmtpServer smtp;
    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() throws Exception {
        smtp = ScriptedSmtpServer.start();
        world = new TestWorld(temp, smtp.port());
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
        smtp.close();
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffAndKeepsItsMessageId() throws Exception {
        smtp.replyToData(451, "4.3.0 Try again later", 1);
        SendResult accepted = service.send(CALLER, world.request().build());
        Instant firstAttempt = world.clock.instant();

        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage waiting = service.get(CALLER, accepted.id());
        assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(waiting.metadata().attempts()).isEqualTo(1);
        assertThat(waiting.metadata().error()).contains("451").contains("Try again later");
        // First retry after 1 minute ± 20% jitter.
        assertThat(waiting.metadata().nextAttemptAt())
                .isBetween(firstAttempt.plusSeconds(48), firstAttempt.plusSeconds(72));

        // Not due yet.
        world.clock.advance(Duration.ofSeconds(30));
        assertThat(service.deliverDue()).isZero();

        world.clock.advance(Duration.ofSeconds(45));
        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage sent = service.get(CALLER, accepted.id());
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().attempts()).isEqualTo(2);
        assertThat(sent.metadata().error()).isNull();

        // The server saw the data twice (refused after DATA, then accepted) with one and the same Message-ID.
        assertThat(smtp.refused()).hasSize(1);
        assertThat(smtp.messages()).hasSize(1);
        String refusedId = parse(smtp.refused().get(0).data()).getMessageID();
        String acceptedId = parse(smtp.messages().get(0).data()).getMessageID();
        assertThat(refusedId).isEqualTo(acceptedId).isEqualTo(accepted.comment().metadata().messageId());
        assertThat(service.events(CALLER, accepted.id())).extracting(EmailEvent::type)
                .containsSubsequence(EventType.RETRY, EventType.SENT);
    }

    @Test
    void retriesAreSpacedExponentiallyAndEndInDropped() {
        smtp.rejectRecipient("lead@example.org", 450, "4.2.1 Mailbox busy");
        SendResult accepted = service.send(CALLER, world.request().build());

        service.deliverDue();
        Instant first = service.get(CALLER, accepted.id()).metadata().nextAttemptAt();
        assertThat(Duration.between(world.clock.instant(), first)).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72));

        world.clock.set(first);
        service.deliverDue();
        EmailMessage second = service.get(CALLER, accepted.id());
        assertThat(second.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(Duration.between(world.clock.instant(), second.metadata().nextAttemptAt()))
                .isBetween(Duration.ofSeconds(96), Duration.ofSeconds(144));

        world.clock.set(second.metadata().nextAttemptAt());
        service.deliverDue(); // third and last attempt (maxAttempts = 3)
        EmailMessage dropped = service.get(CALLER, accepted.id());
        assertThat(dropped.status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(dropped.metadata().error()).contains("gave up after 3 attempts").contains("450");
        assertThat(dropped.metadata().droppedAt()).isEqualTo(world.clock.instant());
        assertThat(dropped.metadata().nextAttemptAt()).isNull();

        world.clock.advance(Duration.ofHours(5));
        assertThat(service.deliverDue()).isZero();
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void aPermanentRefusalBouncesWithTheServersReply() {
        smtp.replyToData(554, "5.7.1 Message rejected as spam", 1);
        SendResult accepted = service.send(CALLER, world.request().build());
        service.deliverDue();

        EmailMessage bounced = service.get(CALLER, accepted.id());
        assertThat(bounced.status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(bounced.metadata().bouncedAt()).isEqualTo(world.clock.instant());
        assertThat(bounced.metadata().smtpResponse()).contains("5.7.1 Message rejected as spam");
        assertThat(bounced.metadata().error()).contains("554");
        EmailEvent bounce = service.events(CALLER, accepted.id()).stream()
                .filter(e -> e.type() == EventType.BOUNCE).findFirst().orElseThrow();
        assertThat(bounce.details()).containsEntry("code", "554");

        world.clock.advance(Duration.ofHours(5));
        assertThat(service.deliverDue()).as("a bounce is final").isZero();
    }

    @Test
    void aPartialRejectionIsSentAndRecordedPerRecipient() {
        smtp.rejectRecipient("gone@example.org", 550, "5.1.1 No such user");
        SendResult accepted = service.send(CALLER, world.request().cc("gone@example.org").build());
        service.deliverDue();

        EmailMessage sent = service.get(CALLER, accepted.id());
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().recipients())
                .extracting(RecipientResult::email, RecipientResult::accepted, RecipientResult::code)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("lead@example.org", true, 250),
                        org.assertj.core.groups.Tuple.tuple("gone@example.org", false, 550));
        assertThat(sent.metadata().error()).contains("gone@example.org").contains("No such user");
        assertThat(smtp.messages()).hasSize(1);
        assertThat(smtp.messages().get(0).recipients()).containsExactly("lead@example.org");
    }

    @Test
    void everyRecipientRefusedPermanentlyIsABounce() {
        smtp.rejectRecipient("lead@example.org", 550, "5.1.1 No such user");
        SendResult accepted = service.send(CALLER, world.request().build());
        service.deliverDue();
        EmailMessage bounced = service.get(CALLER, accepted.id());
        assertThat(bounced.status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(bounced.metadata().recipients()).extracting(RecipientResult::code).containsExactly(550);
    }

    @Test
    void anUnreachableServerIsRetried() throws Exception {
        // A bound socket that does not listen: connections to its port are refused, and as long as it is held
        // no other process can take the port (a closed server's port could be reused by anyone).
        try (java.net.Socket reserved = new java.net.Socket()) {
            reserved.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            world.store.saveIntegration(world.integration.toBuilder().port(reserved.getLocalPort()).build());
            SendResult accepted = service.send(CALLER, world.request().build());
            service.deliverDue();
            EmailMessage waiting = service.get(CALLER, accepted.id());
            assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
            assertThat(waiting.metadata().error()).isNotBlank();
        }
    }

    @Test
    void aHostRecordLookupFailureAtDeliveryIsRetriedNotDropped() {
        SendResult accepted = service.send(CALLER, world.request().build());
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.crmemail.core.record.RecordDirectory flaky = new io.crmemail.core.record.RecordDirectory() {
            @Override
            public java.util.Optional<io.crmemail.core.record.TableInfo> table(long accountId, long tableId) {
                return world.records.table(accountId, tableId);
            }

            @Override
            public java.util.Optional<java.util.Map<String, Object>> record(long accountId, long tableId, long recordId) {
                if (down.get()) {
                    throw new IllegalStateException("connection pool exhausted");
                }
                return world.records.record(accountId, tableId, recordId);
            }
        };
        EmailService worker = world.serviceBuilder().records(flaky).build();
        worker.deliverDue();
        EmailMessage waiting = service.get(CALLER, accepted.id());
        assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(waiting.metadata().error()).contains("could not load the record").contains("pool exhausted");

        down.set(false);
        world.clock.advance(Duration.ofMinutes(2));
        worker.deliverDue();
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
        worker.close();
    }

    @Test
    void aCrashedNodesLeaseExpiresAndAnotherNodeDeliversTheMessage() throws Exception {
        SendResult accepted = service.send(CALLER, world.request().build());
        // A node claims the message and dies before reporting anything.
        List<DeliveryJob> claimed = world.store.claimDue(world.clock.instant(), "dead-node", Duration.ofMinutes(5), 10);
        assertThat(claimed).hasSize(1);
        assertThat(service.deliverDue()).as("leased to the dead node").isZero();

        world.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage sent = service.get(CALLER, accepted.id());
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().attempts()).isEqualTo(2);
        assertThat(smtp.messages()).hasSize(1);
        // The late report of the dead node cannot undo the delivery.
        assertThat(world.store.complete(accepted.id(), "dead-node", new io.crmemail.core.store.DeliveryUpdate(
                EmailStatus.QUEUED, world.clock.instant(), world.clock.instant().plusSeconds(60), null, "late", null,
                null))).isFalse();
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void aCancelAfterTheClaimStillWinsOverTheWorker() {
        SendResult accepted = service.send(CALLER, world.request().build());
        // Cancel while the worker renders the claimed message: between its claim and the wire.
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.crmemail.core.record.RecordDirectory cancellingRecords = new io.crmemail.core.record.RecordDirectory() {
            @Override
            public java.util.Optional<io.crmemail.core.record.TableInfo> table(long accountId, long tableId) {
                return world.records.table(accountId, tableId);
            }

            @Override
            public java.util.Optional<java.util.Map<String, Object>> record(long accountId, long tableId, long recordId) {
                if (armed.getAndSet(false)) {
                    service.cancel(CALLER, accepted.id());
                }
                return world.records.record(accountId, tableId, recordId);
            }
        };
        EmailService worker = world.serviceBuilder().records(cancellingRecords).build();
        assertThat(worker.deliverDue()).isEqualTo(1);
        worker.close();

        assertThat(armed).isFalse();
        EmailMessage after = service.get(CALLER, accepted.id());
        assertThat(after.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(smtp.messages()).isEmpty();
        assertThat(service.events(CALLER, accepted.id())).extracting(EmailEvent::type)
                .containsExactly(EventType.QUEUED, EventType.CANCELLED);
    }

    @Test
    void twoWorkersOfOneNodeNeverSendTheSameMessageWhenALeaseRunsOut() throws Exception {
        smtp.delayReplies(Duration.ofMillis(80));
        SendResult first = service.send(CALLER, world.request().build());
        SendResult second = service.send(CALLER, world.request().build());
        EmailService node = world.serviceBuilder().batchSize(2).build();

        // Worker A claims both and is slow on the first; meanwhile the lease runs out.
        Thread workerA = new Thread(node::deliverDue, "worker-a");
        workerA.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (smtp.connectionsOpened() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        world.clock.advance(Duration.ofMinutes(6));
        // Worker B of the same node claims both: the first is still on A's wire (past its lease, so it may go
        // twice: at least once), the second A has not reached.
        assertThat(node.deliverDue()).isEqualTo(2);
        workerA.join(10_000);

        // A must not send the second after B took it over: exactly once.
        List<String> ids = smtp.messages().stream().map(m -> {
            try {
                return parse(m.data()).getMessageID();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(ids).filteredOn(second.comment().metadata().messageId()::equals).hasSize(1);
        assertThat(ids).filteredOn(first.comment().metadata().messageId()::equals).hasSizeBetween(1, 2);
        assertThat(service.get(CALLER, second.id()).status()).isEqualTo(EmailStatus.SENT);
        node.close();
    }

    @Test
    void manyMessagesShareOneReusedConnection() {
        for (int i = 0; i < 20; i++) {
            service.send(CALLER, world.request().build());
        }
        assertThat(service.deliverDue()).isEqualTo(20);
        assertThat(smtp.messages()).hasSize(20);
        assertThat(smtp.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void shutdownFinishesTheMessageOnTheWireAndHandsBackTheRest() throws Exception {
        smtp.delayReplies(Duration.ofMillis(150));
        for (int i = 0; i < 5; i++) {
            service.send(CALLER, world.request().build());
        }
        EmailService workers = world.serviceBuilder().clock(java.time.Clock.systemUTC()).workers(1)
                .batchSize(5).build();
        world.clock.set(Instant.now());
        workers.start();
        smtp.awaitMessages(1, Duration.ofSeconds(10));
        workers.close();

        List<EmailMessage> all = world.store.listForRecord(TestWorld.ACCOUNT,
                new io.crmemail.core.message.RecordRef(TestWorld.TABLE, TestWorld.RECORD));
        long sent = all.stream().filter(m -> m.status() == EmailStatus.SENT).count();
        assertThat(sent).isGreaterThanOrEqualTo(1).isEqualTo(smtp.messages().size());
        assertThat(all).allSatisfy(m -> assertThat(m.status()).isIn(EmailStatus.SENT, EmailStatus.QUEUED));
        // What was not sent is immediately claimable by another node: no lease left behind.
        long queued = all.size() - sent;
        assertThat(world.store.claimDue(Instant.now().plusSeconds(1), "other-node", Duration.ofMinutes(1), 10))
                .hasSize((int) queued);
    }

    private static MimeMessage parse(byte[] data) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
    }
}
