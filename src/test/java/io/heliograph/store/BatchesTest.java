package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchesTest {

    @Test
    void runsFullBatchesUntilAShortOneAndAddsThemUp() throws InterruptedException {
        ArrayDeque<Integer> answers = new ArrayDeque<>(List.of(10, 10, 3, 10));
        AtomicInteger calls = new AtomicInteger();
        long total = Batches.untilDone(10, Duration.ZERO, () -> false, () -> {
            calls.incrementAndGet();
            return answers.pop();
        });
        assertThat(total).isEqualTo(23);
        assertThat(calls).hasValue(3);
    }

    @Test
    void stopsBetweenBatchesWhenAsked() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        long total = Batches.untilDone(5, Duration.ZERO, () -> calls.get() >= 2, () -> {
            calls.incrementAndGet();
            return 5;
        });
        assertThat(total).isEqualTo(10);
        assertThat(calls).hasValue(2);
    }

    @Test
    void anEmptyFirstBatchEndsAtOnce() throws InterruptedException {
        assertThat(Batches.untilDone(5, Duration.ofHours(1), () -> false, () -> 0)).isZero();
    }
}
