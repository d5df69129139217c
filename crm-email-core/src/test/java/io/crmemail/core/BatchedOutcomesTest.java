package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes of a claimed batch are written together, but never held so long that a message already sent outlives
 * its lease in the outbox, and one outcome the store refuses costs only its own message.
 */
class BatchedOutcomesTest {

    @TempDir
    Path temp;

    /** completeAll throws while set. */
    final AtomicBoolean completeAllFails = new AtomicBoolean();
    /** complete throws for this message id (a row the store refuses). */
    final AtomicLong badRow = new AtomicLong(-1);
    /** complete throws for every message while set (the store is down). */
    final AtomicBoolean completeFails = new AtomicBoolean();
    /** Runs at the next record lookup of the worker after it is set, then is cleared. */
    final AtomicReference<Runnable> atNextRecordLookup = new AtomicReference<>();
    final RecordingTransport transport = new RecordingTransport();
    TestWorld world;
    EmailService service;

    private void start(Duration lease) {
        EmailStore store = FailingStore.failing(refusing(new InMemoryEmailStore()), completeAllFails, "completeAll");
        world = new TestWorld(temp, 1, store);
        service = world.serviceBuilder().records(hooked(world.records)).lease(lease)
                .transports(integration -> transport).build();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    private List<Long> send(int count) {
        return IntStream.range(0, count).mapToObj(i -> service.send(CALLER, world.request().build()).id()).toList();
    }

    private EmailStatus status(long id) {
        return service.get(CALLER, id).status();
    }

    @Test
    void anOutcomeThatWaitedIsWrittenBeforeTheNextMessageGoesOnTheWire() {
        start(Duration.ofMinutes(5));
        List<Long> ids = send(2);
        // Rendering the second message (a slow host, a long rate-limit wait) takes longer than outcomes may wait.
        transport.onSend.add(() -> atNextRecordLookup.set(() -> world.clock.advance(Duration.ofSeconds(2))));
        transport.onSend.add(() -> transport.seen.add(status(ids.get(0))));

        assertThat(service.deliverDue()).isEqualTo(2);

        assertThat(transport.seen).as("first message's status while the second is on the wire")
                .containsExactly(EmailStatus.SENT);
        assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo(EmailStatus.SENT));
    }

    @Test
    void aShortLeaseShortensHowLongAnOutcomeWaits() {
        // A quarter of a 2 s lease is 500 ms, under the usual 1 s.
        start(Duration.ofSeconds(2));
        List<Long> ids = send(2);
        transport.onSend.add(() -> atNextRecordLookup.set(() -> world.clock.advance(Duration.ofMillis(600))));
        transport.onSend.add(() -> transport.seen.add(status(ids.get(0))));

        assertThat(service.deliverDue()).isEqualTo(2);

        assertThat(transport.seen).containsExactly(EmailStatus.SENT);
    }

    @Test
    void outcomesThatHaveNotWaitedLongAreStillWrittenTogether() {
        start(Duration.ofMinutes(5));
        List<Long> ids = send(2);
        transport.onSend.add(() -> { });
        transport.onSend.add(() -> transport.seen.add(status(ids.get(0))));

        assertThat(service.deliverDue()).isEqualTo(2);

        assertThat(transport.seen).containsExactly(EmailStatus.QUEUED);
        assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo(EmailStatus.SENT));
    }

    @Test
    void aRowTheStoreRefusesCostsOnlyItsOwnMessage() {
        start(Duration.ofMinutes(5));
        List<Long> ids = send(3);
        completeAllFails.set(true);
        badRow.set(ids.get(1));

        assertThat(service.deliverDue()).isEqualTo(3);

        assertThat(transport.sends()).isEqualTo(3);
        assertThat(status(ids.get(0))).isEqualTo(EmailStatus.SENT);
        assertThat(status(ids.get(1))).isEqualTo(EmailStatus.QUEUED);
        assertThat(status(ids.get(2))).isEqualTo(EmailStatus.SENT);

        // Once the lease runs out, only the message whose outcome was lost goes again.
        completeAllFails.set(false);
        badRow.set(-1);
        world.clock.advance(Duration.ofMinutes(6));
        assertThat(service.deliverDue()).isEqualTo(1);
        assertThat(transport.sends()).isEqualTo(4);
        assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo(EmailStatus.SENT));
    }

    @Test
    void whenNoOutcomeCanBeWrittenTheBatchStops() {
        start(Duration.ofMinutes(5));
        send(12);
        completeAllFails.set(true);
        completeFails.set(true);

        assertThatThrownBy(service::deliverDue).hasMessageContaining("store unavailable");

        // The first chunk's outcomes could not be written: the rest of the batch is not sent.
        assertThat(transport.sends()).isEqualTo(10);
    }

    /** Wraps a store so that complete throws for {@link #badRow}, or for every message while {@link #completeFails}. */
    private EmailStore refusing(EmailStore delegate) {
        return (EmailStore) Proxy.newProxyInstance(EmailStore.class.getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("complete")
                            && (completeFails.get() || badRow.get() == (long) args[0])) {
                        throw new IllegalStateException("store unavailable (test): row " + args[0]);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private RecordDirectory hooked(RecordDirectory delegate) {
        return new RecordDirectory() {
            @Override
            public Optional<TableInfo> table(long accountId, long tableId) {
                return delegate.table(accountId, tableId);
            }

            @Override
            public Optional<Map<String, Object>> record(long accountId, long tableId, long recordId) {
                Runnable hook = atNextRecordLookup.getAndSet(null);
                if (hook != null) {
                    hook.run();
                }
                return delegate.record(accountId, tableId, recordId);
            }
        };
    }

    /** Accepts every message; runs the n-th of {@link #onSend} inside the n-th send. */
    static final class RecordingTransport implements MailTransport {
        final List<Runnable> onSend = new ArrayList<>();
        final List<EmailStatus> seen = new CopyOnWriteArrayList<>();
        private final AtomicLong sends = new AtomicLong();

        long sends() {
            return sends.get();
        }

        @Override
        public TransportResult send(MimeMessage message, Envelope envelope) {
            int n = (int) sends.getAndIncrement();
            if (n < onSend.size()) {
                onSend.get(n).run();
            }
            return TransportResult.sent(250, "250 2.0.0 OK", envelope.recipients().stream()
                    .map(r -> new RecipientResult(r, true, 250, "250 2.0.0 OK")).toList());
        }

        @Override
        public void close() {
        }
    }
}
