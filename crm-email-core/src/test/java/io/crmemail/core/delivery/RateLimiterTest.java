package io.crmemail.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Drives the token bucket with a hand-moved nano clock: the sleeper advances it instead of sleeping. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();

    private RateLimiter limiter(double perSecond) {
        return new RateLimiter(perSecond, now::get, nanos -> {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        });
    }

    @Test
    void aBurstOfOneSecondsWorthPassesThenSendsAreSpaced() {
        RateLimiter limiter = limiter(5);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire()).isTrue();
        }
        assertThat(sleeps).isEmpty();
        long start = now.get();
        for (int i = 0; i < 10; i++) {
            limiter.acquire();
        }
        assertThat(sleeps).hasSize(10).allSatisfy(s -> assertThat(s).isEqualTo(200_000_000L));
        assertThat(now.get() - start).isEqualTo(2_000_000_000L);
    }

    @Test
    void idleTimeRefillsButNeverBeyondOneSecondsWorth() {
        RateLimiter limiter = limiter(2);
        limiter.acquire();
        limiter.acquire();
        now.addAndGet(60_000_000_000L);
        limiter.acquire();
        limiter.acquire();
        assertThat(sleeps).isEmpty();
        limiter.acquire();
        assertThat(sleeps).containsExactly(500_000_000L);
    }

    @Test
    void noCapMeansNoWaiting() {
        RateLimiter limiter = limiter(0);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire();
        }
        assertThat(sleeps).isEmpty();
    }
}
