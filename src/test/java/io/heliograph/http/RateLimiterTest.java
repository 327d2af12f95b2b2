package io.heliograph.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(10, now::get);

    private void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void aBurstOfOneSecondsWorthThenRefusedWithTheWait() {
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire("k")).isZero();
        }
        assertThat(limiter.tryAcquire("k")).isEqualTo(1);
        advanceMillis(100); // one token back
        assertThat(limiter.tryAcquire("k")).isZero();
        assertThat(limiter.tryAcquire("k")).isEqualTo(1);
    }

    @Test
    void theSteadyRateIsAdmittedForever() {
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("k");
        }
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            advanceMillis(100);
            if (limiter.tryAcquire("k") == 0) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(1000);
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("a");
        }
        assertThat(limiter.tryAcquire("a")).isPositive();
        assertThat(limiter.tryAcquire("b")).isZero();
    }

    @Test
    void aSlowLimitAsksForAWaitOfSeveralSeconds() {
        RateLimiter slow = new RateLimiter(1, now::get);
        assertThat(slow.tryAcquire("k")).isZero();
        assertThat(slow.tryAcquire("k")).isEqualTo(1);
        assertThatThrownBy(() -> new RateLimiter(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quietKeysAreForgottenSoManyKeysCannotFillMemory() {
        for (int i = 0; i < 10_001; i++) {
            limiter.tryAcquire("key-" + i);
        }
        advanceMillis(2_000);
        assertThat(limiter.trackedKeys()).isEqualTo(10_001);
        limiter.tryAcquire("one-more");
        // Everything refilled during the pause was swept; only the newest key remains.
        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }
}
