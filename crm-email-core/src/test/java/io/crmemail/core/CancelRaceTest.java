package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel racing a worker: it wins until the worker marks the message "being sent" (with the rest of its chunk, just
 * before the chunk's first transmission) and loses (409) after, unless the lease ran out first.
 */
class CancelRaceTest {

    @TempDir
    Path temp;

    final HeldTransport transport = new HeldTransport();
    /** Runs in the worker right before it marks a message as being sent. */
    final AtomicReference<Runnable> beforeStartSending = new AtomicReference<>(() -> { });
    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        EmailStore store = hooked(new InMemoryEmailStore());
        world = new TestWorld(temp, 1, store);
        service = world.serviceBuilder().transports(integration -> transport).build();
    }

    @AfterEach
    void tearDown() {
        transport.release.countDown();
        service.close();
    }

    private EmailStore hooked(EmailStore delegate) {
        return (EmailStore) Proxy.newProxyInstance(EmailStore.class.getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    // The worker marks messages one by one or a chunk at a time.
                    if (method.getName().startsWith("startSending")) {
                        beforeStartSending.get().run();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCancelWhileTheWorkerTransmitsIsAConflictAndTheMessageEndsSent() throws Exception {
        long id = service.send(CALLER, world.request().build()).id();
        CompletableFuture<Integer> worker = CompletableFuture.supplyAsync(service::deliverDue);
        assertThat(transport.entered.await(5, TimeUnit.SECONDS)).as("transport reached").isTrue();

        assertThatThrownBy(() -> service.cancel(CALLER, id)).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains("is being sent");
        });
        assertThat(service.get(CALLER, id).status()).isEqualTo(EmailStatus.QUEUED);

        transport.release.countDown();
        assertThat(worker.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        EmailMessage sent = service.get(CALLER, id);
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().cancelledAt()).isNull();
        assertThat(service.events(CALLER, id)).extracting(EmailEvent::type)
                .contains(EventType.SENT).doesNotContain(EventType.CANCELLED);
        assertThat(transport.sends).hasValue(1);

        // Once sent, the conflict names the status.
        assertThatThrownBy(() -> service.cancel(CALLER, id)).isInstanceOfSatisfying(EmailException.class,
                e -> assertThat(e.getMessage()).contains("is already sent"));
    }

    @Test
    void aCancelAfterTheClaimButBeforeTheWireWinsAndNothingIsTransmitted() {
        transport.release.countDown();
        long id = service.send(CALLER, world.request().build()).id();
        AtomicReference<EmailMessage> cancelled = new AtomicReference<>();
        beforeStartSending.set(() -> cancelled.set(service.cancel(CALLER, id)));

        assertThat(service.deliverDue()).isEqualTo(1);

        assertThat(cancelled.get().status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(transport.sends).hasValue(0);
        EmailMessage after = service.get(CALLER, id);
        assertThat(after.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(after.metadata().sentAt()).isNull();
        assertThat(service.events(CALLER, id)).extracting(EmailEvent::type)
                .contains(EventType.CANCELLED).doesNotContain(EventType.SENT, EventType.RETRY);

        // The entry is gone: nothing is claimed later either.
        beforeStartSending.set(() -> { });
        world.clock.advance(Duration.ofHours(1));
        assertThat(service.deliverDue()).isZero();
        assertThat(transport.sends).hasValue(0);
    }

    @Test
    void aCancelOfALaterMessageOfTheChunkWhileTheFirstIsOnTheWireIsAConflictAndItIsSent() throws Exception {
        long first = service.send(CALLER, world.request().build()).id();
        long later = service.send(CALLER, world.request().build()).id();
        long last = service.send(CALLER, world.request().build()).id();
        CompletableFuture<Integer> worker = CompletableFuture.supplyAsync(service::deliverDue);
        assertThat(transport.entered.await(5, TimeUnit.SECONDS)).as("transport reached").isTrue();
        assertThat(transport.sends).as("only the first is on the wire").hasValue(1);

        // Marked with the first message's chunk: not on the wire yet, but no longer cancellable.
        assertThatThrownBy(() -> service.cancel(CALLER, later)).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains("is being sent");
        });

        transport.release.countDown();
        assertThat(worker.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(transport.sends).hasValue(3);
        for (long id : new long[] {first, later, last}) {
            assertThat(service.get(CALLER, id).status()).isEqualTo(EmailStatus.SENT);
        }
        assertThat(service.events(CALLER, later)).extracting(EmailEvent::type)
                .contains(EventType.SENT).doesNotContain(EventType.CANCELLED);
    }

    @Test
    void aMarkedMessageWhoseLeaseRanOutWhileItWaitedIsNotSentAndACancelThenWins() throws Exception {
        long first = service.send(CALLER, world.request().build()).id();
        long later = service.send(CALLER, world.request().build()).id();
        CompletableFuture<Integer> worker = CompletableFuture.supplyAsync(service::deliverDue);
        assertThat(transport.entered.await(5, TimeUnit.SECONDS)).as("transport reached").isTrue();

        // The first transmission outlasts the 5-minute lease: the second message's mark no longer protects it.
        world.clock.advance(Duration.ofMinutes(6));
        transport.release.countDown();
        assertThat(worker.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(transport.sends).as("the second message is not sent on an expired lease").hasValue(1);
        assertThat(service.get(CALLER, first).status()).isEqualTo(EmailStatus.SENT);
        assertThat(service.get(CALLER, later).status()).isEqualTo(EmailStatus.QUEUED);

        assertThat(service.cancel(CALLER, later).status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(service.deliverDue()).isZero();
        assertThat(transport.sends).hasValue(1);
        assertThat(service.events(CALLER, later)).extracting(EmailEvent::type)
                .contains(EventType.CANCELLED).doesNotContain(EventType.SENT);
    }

    /** Accepts every message, but holds each inside {@code send} until released. */
    static final class HeldTransport implements MailTransport {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger sends = new AtomicInteger();

        @Override
        public TransportResult send(MimeMessage message, Envelope envelope) {
            sends.incrementAndGet();
            entered.countDown();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    return TransportResult.transientFailure(421, "421 test transport never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TransportResult.transientFailure(421, "421 interrupted");
            }
            return TransportResult.sent(250, "250 2.0.0 OK", envelope.recipients().stream()
                    .map(r -> new RecipientResult(r, true, 250, "250 2.0.0 OK")).toList());
        }

        @Override
        public void close() {
        }
    }
}
