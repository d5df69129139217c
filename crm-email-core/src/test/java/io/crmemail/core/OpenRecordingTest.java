package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.OpenHit;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import io.crmemail.core.tracking.OpenRecording;
import io.crmemail.core.tracking.Tokens;
import io.crmemail.core.tracking.TrackingCounts;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pixel hits go through a bounded queue to a batch writer: never waiting for the store, dropped when full. */
class OpenRecordingTest {

    static final String HUMAN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/115.0";

    @TempDir
    Path temp;

    /** Holds every recordOpens call at the gate while it is closed; remembers each batch's size. */
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicBoolean gated = new AtomicBoolean(true);
    final AtomicBoolean failing = new AtomicBoolean();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    TestWorld world;
    EmailService service;

    @AfterEach
    void tearDown() {
        gate.countDown();
        if (service != null) {
            service.close();
        }
    }

    private EmailService service(OpenRecording recording) {
        EmailStore store = gatedStore(new InMemoryEmailStore());
        world = new TestWorld(temp, 1, store);
        service = world.serviceBuilder().workers(0).openRecording(recording).build();
        return service;
    }

    private EmailStore gatedStore(EmailStore delegate) {
        return (EmailStore) Proxy.newProxyInstance(EmailStore.class.getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("recordOpens")) {
                        batchSizes.add(((List<?>) args[0]).size());
                        entered.countDown();
                        if (gated.get() && !gate.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("test gate never opened");
                        }
                        if (failing.get()) {
                            throw new IllegalStateException("store unavailable (test)");
                        }
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A queued message with a pixel token; returns the token. */
    private String pixelOfNewMessage() {
        String pixel = Tokens.pixelToken();
        Instant now = world.clock.instant();
        EmailMetadata metadata = EmailMetadata.builder().status(EmailStatus.QUEUED)
                .smtpIntegrationId(world.integration.id()).fromIdentity(Mailbox.of("sales@acme.com"))
                .to(List.of("lead@example.org")).subject("Hello").body("<p>Hi</p>")
                .messageId(Tokens.messageId("acme.com")).build();
        world.store.enqueue(new NewEmail(TestWorld.ACCOUNT, RecordRef.NONE, CommentType.EMAIL_OUT, null,
                TestWorld.USER, now, metadata, now.plusSeconds(3600), List.of(NewToken.of(pixel, TokenKind.PIXEL))));
        return pixel;
    }

    private EmailMessage messageOf(String pixel) {
        return service.get(CALLER, world.store.findToken(pixel).orElseThrow().messageId());
    }

    private List<EmailEvent> opensOf(String pixel) {
        return service.events(CALLER, messageOf(pixel).id()).stream().filter(e -> e.type() == EventType.OPEN).toList();
    }

    private void awaitWriterInStore() throws InterruptedException {
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the writer reached the store").isTrue();
    }

    @Test
    void aHitIsAnsweredWithoutWaitingForTheStoreAndStampedWithItsOwnTime() throws Exception {
        service(OpenRecording.DEFAULT);
        String pixel = pixelOfNewMessage();
        Instant hitAt = world.clock.instant();

        service.trackOpen(pixel + ".png", HUMAN, "203.0.113.9");
        // The writer is held inside the store: trackOpen returned all the same.
        awaitWriterInStore();
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(1, 1, 0, 0, 0));
        assertThat(opensOf(pixel)).isEmpty();

        world.clock.advance(Duration.ofMinutes(5));
        gate.countDown();
        assertThat(service.flushTracking()).isTrue();

        assertThat(messageOf(pixel).metadata().firstOpenedAt()).isEqualTo(hitAt);
        List<EmailEvent> opens = opensOf(pixel);
        assertThat(opens).hasSize(1);
        assertThat(opens.get(0).occurredAt()).isEqualTo(hitAt);
        assertThat(opens.get(0).userAgent()).isEqualTo(HUMAN);
        assertThat(opens.get(0).ipAddress()).isEqualTo("203.0.113.9");
        assertThat(opens.get(0).automated()).isFalse();
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(1, 0, 1, 0, 0));
    }

    @Test
    void aFullQueueDropsAndCountsHitsAndTheRestIsWrittenInBatches() throws Exception {
        service(OpenRecording.queued(3, 2, 1));
        String pixel = pixelOfNewMessage();

        service.trackOpen(pixel, HUMAN, "203.0.113.1");
        awaitWriterInStore();
        // The writer holds the first hit; three fit into the queue, two do not.
        for (int i = 2; i <= 6; i++) {
            service.trackOpen(pixel, HUMAN, "203.0.113." + i);
        }
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(4, 4, 0, 2, 0));

        gate.countDown();
        assertThat(service.flushTracking()).isTrue();

        assertThat(opensOf(pixel)).extracting(EmailEvent::ipAddress)
                .containsExactly("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4");
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 2));
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(4, 0, 4, 2, 0));
    }

    @Test
    void severalWritersKeepTheHitsOfOneMessageInOrder() {
        service(OpenRecording.queued(1000, 3, 4));
        gated.set(false);
        List<String> pixels = List.of(pixelOfNewMessage(), pixelOfNewMessage(), pixelOfNewMessage());

        for (int i = 0; i < 60; i++) {
            world.clock.advance(Duration.ofSeconds(1));
            service.trackOpen(pixels.get(i % 3), HUMAN, "203.0.113." + i);
        }
        assertThat(service.flushTracking()).isTrue();

        for (int m = 0; m < 3; m++) {
            List<EmailEvent> opens = opensOf(pixels.get(m));
            assertThat(opens).hasSize(20);
            assertThat(opens).extracting(EmailEvent::occurredAt).isSorted();
            assertThat(messageOf(pixels.get(m)).metadata().firstOpenedAt()).isEqualTo(opens.get(0).occurredAt());
        }
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(60, 0, 60, 0, 0));
    }

    @Test
    void malformedTokensNeverReachTheQueue() {
        service(OpenRecording.DEFAULT);
        gated.set(false);

        service.trackOpen("../../etc/passwd", HUMAN, "203.0.113.9");
        service.trackOpen(null, null, null);
        service.trackOpen(Tokens.replyToken(), HUMAN, "203.0.113.9");

        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(0, 0, 0, 0, 0));
        assertThat(batchSizes).isEmpty();
    }

    @Test
    void aBatchTheStoreCannotWriteIsCountedAsFailed() throws Exception {
        service(OpenRecording.DEFAULT);
        gated.set(false);
        failing.set(true);
        String pixel = pixelOfNewMessage();

        service.trackOpen(pixel, HUMAN, "203.0.113.9");
        assertThat(service.flushTracking()).isTrue();

        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(1, 0, 0, 0, 1));
        failing.set(false);
        assertThat(opensOf(pixel)).isEmpty();
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterHitsAreWrittenAtOnce() throws Exception {
        service(OpenRecording.DEFAULT);
        String pixel = pixelOfNewMessage();
        service.trackOpen(pixel, HUMAN, "203.0.113.1");
        awaitWriterInStore();
        for (int i = 2; i <= 5; i++) {
            service.trackOpen(pixel, HUMAN, "203.0.113." + i);
        }

        gate.countDown();
        service.close();

        assertThat(world.store.events(messageOf(pixel).id())).filteredOn(e -> e.type() == EventType.OPEN).hasSize(5);
        assertThat(service.trackingCounts().opensPending()).isZero();

        service.trackOpen(pixel, HUMAN, "203.0.113.6");
        assertThat(world.store.events(messageOf(pixel).id())).filteredOn(e -> e.type() == EventType.OPEN).hasSize(6);
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(5, 0, 6, 0, 0));
    }

    @Test
    void aWriterThatWasInterruptedKeepsWritingAndAStoppedOneIsReplaced() throws Exception {
        service(OpenRecording.DEFAULT);
        gated.set(false);
        String pixel = pixelOfNewMessage();
        service.trackOpen(pixel + ".png", HUMAN, "203.0.113.1");
        assertThat(service.flushTracking()).isTrue();

        // A stray interrupt (a host's executor shutdown, say) must not end recording for good.
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("crm-email-open-writer-")).forEach(Thread::interrupt);
        Thread.sleep(100);
        for (int i = 0; i < 20; i++) {
            service.trackOpen(pixel + ".png", HUMAN, "203.0.113.2");
        }

        assertThat(service.flushTracking()).as("every hit written after the interrupt").isTrue();
        assertThat(opensOf(pixel)).hasSize(21);
        assertThat(service.trackingCounts().opensDropped()).isZero();
    }

    @Test
    void synchronousRecordingWritesBeforeTrackOpenReturns() {
        service(OpenRecording.synchronous());
        gated.set(false);
        String pixel = pixelOfNewMessage();

        service.trackOpen(pixel + ".png", HUMAN, "203.0.113.9");

        assertThat(messageOf(pixel).metadata().firstOpenedAt()).isEqualTo(world.clock.instant());
        assertThat(opensOf(pixel)).hasSize(1);
        assertThat(service.trackingCounts()).isEqualTo(new TrackingCounts(0, 0, 1, 0, 0));
        assertThat(batchSizes).containsExactly(1);
    }

    @Test
    void recordingSettingsAreChecked() {
        assertThatThrownBy(() -> new OpenRecording(-1, 10, 1)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> new OpenRecording(10, 0, 1)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new OpenRecording(10, 10, 0)).hasMessageContaining("writers");
        assertThatThrownBy(() -> new OpenRecording(2, 10, 3)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> OpenRecording.queued(0, 10, 1)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> EmailService.builder().openRecording(null)).hasMessageContaining("openRecording");
    }

    @Test
    void openHitNeedsATokenAndATime() {
        assertThatThrownBy(() -> new OpenHit(null, Instant.EPOCH, null, null, false)).hasMessageContaining("token");
        assertThatThrownBy(() -> new OpenHit("t", null, null, null, false)).hasMessageContaining("at");
    }
}
