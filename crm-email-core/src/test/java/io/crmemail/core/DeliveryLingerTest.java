package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers woken by sends let a batch gather before they claim it. */
class DeliveryLingerTest {

    @TempDir
    Path temp;

    ScriptedSmtpServer smtp;
    TestWorld world;
    /** Sizes of the claims that found work. */
    final List<Integer> claims = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        smtp = ScriptedSmtpServer.start();
        world = new TestWorld(temp, smtp.port());
    }

    @AfterEach
    void tearDown() {
        smtp.close();
    }

    @Test
    void sendsArrivingTogetherAreClaimedAsOneBatchAsSoonAsABatchsWorthIsThere() throws Exception {
        try (EmailService service = workers(10, Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                service.send(CALLER, world.request().build());
            }
            smtp.awaitMessages(10, Duration.ofSeconds(4));

            assertThat(smtp.messages()).hasSize(10);
            assertThat(claims).containsExactly(10);
            // A full batch ends the wait: nobody sat out the 5-second linger.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void withTwoWorkersBothWaitAndOneClaimsTheWholeBatch() throws Exception {
        try (EmailService service = workers(2, 10, Duration.ofSeconds(5))) {
            for (int i = 0; i < 10; i++) {
                service.send(CALLER, world.request().build());
            }
            smtp.awaitMessages(10, Duration.ofSeconds(4));

            assertThat(smtp.messages()).hasSize(10);
            assertThat(claims).containsExactly(10);
        }
    }

    @Test
    void closingDuringALingerReturnsAtOnce() throws Exception {
        EmailService service = workers(10, Duration.ofSeconds(8));
        service.send(CALLER, world.request().build());
        Thread.sleep(100); // the worker is lingering now
        long start = System.nanoTime();
        service.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aLoneSendIsDeliveredAfterTheLinger() throws Exception {
        try (EmailService service = workers(10, Duration.ofMillis(200))) {
            service.send(CALLER, world.request().build());
            smtp.awaitMessages(1, Duration.ofSeconds(5));

            assertThat(smtp.messages()).hasSize(1);
            assertThat(claims).containsExactly(1);
        }
    }

    @Test
    void aLingerIsBounded() {
        assertThatThrownBy(() -> world.serviceBuilder().linger(Duration.ofMinutes(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
        assertThatThrownBy(() -> world.serviceBuilder().linger(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
    }

    /** One worker, idle in its wait when the test starts sending. */
    private EmailService workers(int batchSize, Duration linger) throws InterruptedException {
        return workers(1, batchSize, linger);
    }

    /** Workers idle in their wait when the test starts sending. */
    private EmailService workers(int workers, int batchSize, Duration linger) throws InterruptedException {
        EmailService service = world.serviceBuilder().store(counting(world.store)).clock(Clock.systemUTC())
                .workers(workers).batchSize(batchSize).linger(linger).pollInterval(Duration.ofMinutes(1)).build();
        world.clock.set(java.time.Instant.now());
        service.start();
        Thread.sleep(300); // its first claim found nothing; it now waits for a send
        return service;
    }

    private EmailStore counting(EmailStore store) {
        return (EmailStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("claimDue") && !((List<?>) result).isEmpty()) {
                        claims.add(((List<?>) result).size());
                    }
                    return result;
                });
    }
}
