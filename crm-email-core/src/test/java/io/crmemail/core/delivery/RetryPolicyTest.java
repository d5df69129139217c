package io.crmemail.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delaysGrowExponentiallyUpToTheCapWithinTheJitterBand() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMinutes(1), 2.0, Duration.ofMinutes(10), 0.2);
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delayAfter(1)).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72));
            assertThat(policy.delayAfter(3)).isBetween(Duration.ofSeconds(192), Duration.ofSeconds(288));
            assertThat(policy.delayAfter(9)).isBetween(Duration.ofMinutes(8), Duration.ofMinutes(12));
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        RetryPolicy policy = RetryPolicy.defaults();
        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> policy.delayAfter(2)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
        assertThat(new RetryPolicy(3, Duration.ofSeconds(10), 1, Duration.ofSeconds(10), 0).delayAfter(2))
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void stopsAfterMaxAttempts() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), 0);
        assertThat(policy.shouldRetry(1)).isTrue();
        assertThat(policy.shouldRetry(2)).isTrue();
        assertThat(policy.shouldRetry(3)).isFalse();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
