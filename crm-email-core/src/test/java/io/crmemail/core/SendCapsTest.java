package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-second and per-day send caps, on every send path, driven by the test clock. */
class SendCapsTest {

    static final Instant NEXT_MIDNIGHT = Instant.parse("2026-03-19T00:00:00Z");

    @TempDir
    Path temp;

    TestWorld world;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525); // the clock starts at 2026-03-18T10:00:00Z
    }

    private EmailService service(int perSecond, long perDay) {
        return world.serviceBuilder().sendLimits(new SendLimits(perSecond, perDay)).build();
    }

    private void send(EmailService service) {
        service.sendMessage(CALLER, Messages.basic().build());
    }

    private static void limited(ThrowingCallable call, Consumer<RateLimitedException> check) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            check.accept(e);
        });
    }

    private int stored() {
        return world.store.list(TestWorld.ACCOUNT, MessageQuery.latest(100)).size();
    }

    @Test
    void perSecondCapRefillsWithTheClock() {
        EmailService service = service(2, 1000);
        send(service);
        send(service);
        limited(() -> send(service), e -> {
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(e.getMessage()).contains("2 messages per second");
            assertThat(e.quota()).isEqualTo(new SendQuota(1000, 998, NEXT_MIDNIGHT));
        });
        assertThat(stored()).isEqualTo(2);

        world.clock.advance(Duration.ofMillis(500)); // one token back
        send(service);
        limited(() -> send(service), e -> { });
        world.clock.advance(Duration.ofSeconds(1));
        send(service);
        send(service);
        assertThat(stored()).isEqualTo(5);
        // Another account has its own bucket.
        assertThat(service.quota(new Caller(2, 1))).isEqualTo(new SendQuota(1000, 1000, NEXT_MIDNIGHT));
    }

    @Test
    void crmSendsCountAgainstTheSameCaps() {
        EmailService service = service(2, 1000);
        send(service);
        service.send(CALLER, world.request().build());
        limited(() -> service.send(CALLER, world.request().build()), e -> { });
        limited(() -> send(service), e -> { });
        assertThat(service.quota(CALLER).remaining()).isEqualTo(998);
    }

    @Test
    void theDailyCapHoldsAcrossServicesSharingAStore() {
        EmailService a = service(50, 3);
        EmailService b = service(50, 3);
        assertThat(a.quota(CALLER)).isEqualTo(new SendQuota(3, 3, NEXT_MIDNIGHT));
        send(a);
        send(b);
        assertThat(b.quota(CALLER)).isEqualTo(new SendQuota(3, 1, NEXT_MIDNIGHT));
        b.send(CALLER, world.request().build());
        assertThat(a.quota(CALLER)).isEqualTo(new SendQuota(3, 0, NEXT_MIDNIGHT));

        limited(() -> send(a), e -> {
            assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(14));
            assertThat(e.getMessage()).contains("daily cap of 3");
            assertThat(e.quota()).isEqualTo(new SendQuota(3, 0, NEXT_MIDNIGHT));
        });
        limited(() -> b.send(CALLER, world.request().build()), e -> { });
        assertThat(stored()).isEqualTo(3);

        world.clock.set(NEXT_MIDNIGHT);
        send(a);
        assertThat(b.quota(CALLER)).isEqualTo(new SendQuota(3, 2, NEXT_MIDNIGHT.plus(Duration.ofDays(1))));
    }

    @Test
    void aRefusedMessageIsNotCounted() {
        EmailService service = service(1, 10);
        assertThatThrownBy(() -> service.sendMessage(CALLER, Messages.basic().to("bad").build()))
                .isInstanceOf(EmailException.class);
        assertThat(service.quota(CALLER).remaining()).isEqualTo(10);
        send(service); // the invalid one took no per-second token either
    }

    @Test
    void aBatchCountsAsAWholeOrNotAtAll() {
        EmailService service = service(50, 3);
        List<MessageRequest> four = List.of(Messages.basic().build(), Messages.basic().build(),
                Messages.basic().build(), Messages.basic().build());
        limited(() -> service.sendBatch(CALLER, four), e -> assertThat(e.quota().remaining()).isEqualTo(3));
        assertThat(stored()).isZero();

        List<BatchEntry> entries = service.sendBatch(CALLER, List.of(Messages.basic().build(),
                Messages.basic().to("bad").build(), Messages.basic().build(), Messages.basic().build()));
        assertThat(entries).extracting(BatchEntry::accepted).containsExactly(true, false, true, true);
        assertThat(service.quota(CALLER).remaining()).isZero();
    }

    @Test
    void aBatchLargerThanThePerSecondCapPassesWhenTheBucketIsFullAndThenWaits() {
        EmailService service = service(2, 1000);
        List<MessageRequest> three = List.of(Messages.basic().build(), Messages.basic().build(),
                Messages.basic().build());
        assertThat(service.sendBatch(CALLER, three)).allMatch(BatchEntry::accepted);
        // One token in debt: a whole second until one is back.
        limited(() -> send(service), e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        world.clock.advance(Duration.ofMillis(999));
        limited(() -> send(service), e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        world.clock.advance(Duration.ofMillis(1));
        send(service);
    }
}
