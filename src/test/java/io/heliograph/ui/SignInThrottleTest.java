package io.heliograph.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SignInThrottle throttle = new SignInThrottle(now::get);

    @Test
    void tenFailuresInAMinuteHoldTheAddressUntilTheOldestIsAMinuteOld() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("a");
            now.addAndGet(1_000);
        }
        assertThat(throttle.waitSeconds("a")).isZero();
        throttle.failed("a");
        assertThat(throttle.waitSeconds("a")).isEqualTo(51);
        assertThat(throttle.waitSeconds("b")).as("per address").isZero();
        now.addAndGet(50_500);
        assertThat(throttle.waitSeconds("a")).isEqualTo(1);
        now.addAndGet(500);
        assertThat(throttle.waitSeconds("a")).isZero();
        throttle.failed("a");
        assertThat(throttle.waitSeconds("a")).as("one more failure: the window slides").isPositive();
    }

    @Test
    void failuresOlderThanTheWindowAreForgottenAndASuccessClearsThem() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("a");
        }
        now.addAndGet(60_000);
        throttle.failed("a");
        assertThat(throttle.waitSeconds("a")).isZero();
        for (int i = 0; i < 9; i++) {
            throttle.failed("a");
        }
        assertThat(throttle.waitSeconds("a")).isPositive();
        throttle.succeeded("a");
        assertThat(throttle.waitSeconds("a")).isZero();
    }
}
