package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.delivery.ConcurrencyLimit.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConcurrencyLimitTest {
    @Test
    void startsAtTheMaximum() {
        ConcurrencyLimit limit = new ConcurrencyLimit(16);
        assertThat(limit.limit()).isEqualTo(16);
        assertThat(limit.probing()).isFalse();
    }

    @Test
    void aFiveHundredHalvesItOncePerRound() {
        ConcurrencyLimit limit = new ConcurrencyLimit(16);
        long[] numbers = new long[16];
        for (int i = 0; i < 16; i++) {
            numbers[i] = limit.started();
        }
        // All sixteen fail: they were sent under the old limit, so only the first cuts.
        for (int i = 0; i < 16; i++) {
            limit.ended(numbers[i], Signal.OVERLOAD, 16 - i);
        }
        assertThat(limit.limit()).isEqualTo(8);
        long next = limit.started();
        limit.ended(next, Signal.OVERLOAD, 1);
        assertThat(limit.limit()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"UNANSWERED", "TIMED_OUT"})
    void noAnswerAtAllDropsItToOneProbe(Signal noAnswer) {
        ConcurrencyLimit limit = new ConcurrencyLimit(16);
        limit.ended(limit.started(), noAnswer, 1);
        assertThat(limit.limit()).isEqualTo(1);
        assertThat(limit.probing()).isTrue();
    }

    @Test
    void failingAgainKeepsItAtOneProbe() {
        ConcurrencyLimit limit = new ConcurrencyLimit(16);
        limit.ended(limit.started(), Signal.UNANSWERED, 1);
        assertThat(limit.limit()).isEqualTo(1);
        assertThat(limit.probing()).isTrue();
        // Failing again keeps it at one, never zero.
        limit.ended(limit.started(), Signal.UNANSWERED, 1);
        limit.ended(limit.started(), Signal.OVERLOAD, 1);
        assertThat(limit.limit()).isEqualTo(1);
    }

    @Test
    void successesGrowItBackOnlyWhileTheWholeAllowanceIsUsed() {
        ConcurrencyLimit limit = new ConcurrencyLimit(4);
        limit.ended(limit.started(), Signal.UNANSWERED, 1);
        assertThat(limit.limit()).isEqualTo(1);
        limit.ended(limit.started(), Signal.SUCCESS, 1); // one in flight of one: fully used
        assertThat(limit.limit()).isEqualTo(2);
        assertThat(limit.probing()).isFalse();
        limit.ended(limit.started(), Signal.SUCCESS, 1); // one in flight of two: not what held it back
        assertThat(limit.limit()).isEqualTo(2);
        limit.ended(limit.started(), Signal.SUCCESS, 2);
        limit.ended(limit.started(), Signal.SUCCESS, 3);
        limit.ended(limit.started(), Signal.SUCCESS, 4);
        assertThat(limit.limit()).as("never above the maximum").isEqualTo(4);
    }

    @Test
    void neutralOutcomesChangeNothing() {
        ConcurrencyLimit limit = new ConcurrencyLimit(8);
        limit.ended(limit.started(), Signal.NEUTRAL, 8);
        assertThat(limit.limit()).isEqualTo(8);
        assertThat(limit.probing()).isFalse();
    }
}
