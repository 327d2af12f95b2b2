package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.app.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    // The spec's schedule (5s,5m,30m,2h,5h,10h,10h): jitter is checked on the delays operators get.
    private static final RetrySchedule DEFAULT = Config.defaults().retrySchedule();

    @Test
    void delaysStayWithinTwentyPercentJitterAndVary() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long ms = DEFAULT.nextDelay(1, Optional.empty(), random).orElseThrow().toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isBetween(4000L, 4100L);
        assertThat(max).isBetween(5900L, 6000L);
        assertThat(DEFAULT.nextDelay(7, Optional.empty(), random).orElseThrow()).isBetween(Duration.ofHours(8), Duration.ofHours(12));
    }

    @Test
    void theScheduleEndsAfterTheLastDelay() {
        SplittableRandom random = new SplittableRandom(1);
        assertThat(DEFAULT.nextDelay(8, Optional.empty(), random)).isEmpty();
        assertThat(DEFAULT.nextDelay(0, Optional.empty(), random)).isEmpty();
        assertThat(new RetrySchedule(List.of()).nextDelay(1, Optional.empty(), random)).isEmpty();
    }

    @Test
    void retryAfterIsHonouredBetweenTheScheduledDelayAndADay() {
        SplittableRandom random = new SplittableRandom(7);
        // Longer than scheduled: honoured.
        assertThat(DEFAULT.nextDelay(1, Optional.of(Duration.ofMinutes(2)), random)).contains(Duration.ofMinutes(2));
        // Shorter than scheduled: the schedule wins.
        assertThat(DEFAULT.nextDelay(2, Optional.of(Duration.ofSeconds(1)), random).orElseThrow())
                .isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
        // Absurd: clamped to 24 hours.
        assertThat(DEFAULT.nextDelay(1, Optional.of(Duration.ofDays(30)), random)).contains(Duration.ofHours(24));
        // Exhausted stays exhausted whatever the receiver asks.
        assertThat(DEFAULT.nextDelay(8, Optional.of(Duration.ofSeconds(1)), random)).isEmpty();
    }
}
