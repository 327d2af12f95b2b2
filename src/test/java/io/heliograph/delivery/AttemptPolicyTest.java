package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.delivery.ConcurrencyLimit.Signal;
import io.heliograph.destination.Destination;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttemptPolicyTest {
    private static final RetrySchedule SCHEDULE = new RetrySchedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5)));

    private static Sender.Result answered(int status) {
        return new Sender.Result(status, 10, null, "", Optional.empty(), true);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "200, SUCCESS", "204, SUCCESS", "299, SUCCESS",
        "500, OVERLOAD", "503, OVERLOAD", "429, OVERLOAD",
        "400, NEUTRAL", "404, NEUTRAL", "410, NEUTRAL", "302, NEUTRAL", "101, NEUTRAL",
    })
    void whatAnAnswerSaysOfTheReceiversCapacity(int status, Signal expected) {
        assertThat(AttemptPolicy.signal(answered(status))).isEqualTo(expected);
    }

    @Test
    void noAnswerIsWorseThanABadOneButARefusalBeforeSendingSaysNothing() {
        assertThat(AttemptPolicy.signal(Sender.Result.noAnswer("Timed out", 15_000))).isEqualTo(Signal.TIMED_OUT);
        assertThat(AttemptPolicy.signal(Sender.Result.noAnswer("Timed out: connect", 5_000))).isEqualTo(Signal.TIMED_OUT);
        assertThat(AttemptPolicy.signal(Sender.Result.noAnswer("Connection refused", 2))).isEqualTo(Signal.UNANSWERED);
        assertThat(AttemptPolicy.signal(Sender.Result.noAnswer("EofException", 999))).isEqualTo(Signal.UNANSWERED);
        assertThat(AttemptPolicy.signal(Sender.Result.notSent("Destination cannot point to private or internal networks", 0)))
                .isEqualTo(Signal.NEUTRAL);
    }

    @Test
    void successDeliversAndHeals() {
        AttemptPolicy.Verdict v = AttemptPolicy.judge(1, answered(200), SCHEDULE, 1_000, new SplittableRandom(1));
        assertThat(v.outcome()).isEqualTo(new DeliveryStore.Outcome(DeliveryStatus.DELIVERED, null));
        assertThat(v.health()).isEqualTo(DeliveryStore.Health.HEALTHY);
        assertThat(v.metric()).isEqualTo("delivered");
    }

    @Test
    void goneEndsItAndDisablesTheWebhook() {
        AttemptPolicy.Verdict v = AttemptPolicy.judge(1, answered(410), SCHEDULE, 1_000, new SplittableRandom(1));
        assertThat(v.outcome().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(v.health()).isEqualTo(DeliveryStore.Health.GONE);
    }

    @Test
    void aFailureWaitsItsJitteredDelayFromTheAnswerThenTheScheduleEnds() {
        AttemptPolicy.Verdict first = AttemptPolicy.judge(1, answered(500), SCHEDULE, 1_000, new SplittableRandom(1));
        assertThat(first.outcome().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(first.outcome().nextAttemptAt()).isBetween(1_000 + 4_000L, 1_000 + 6_000L);
        assertThat(first.metric()).isEqualTo("retrying");
        assertThat(first.health()).isEqualTo(DeliveryStore.Health.FAILING);

        AttemptPolicy.Verdict last = AttemptPolicy.judge(3, answered(500), SCHEDULE, 1_000, new SplittableRandom(1));
        assertThat(last.outcome()).isEqualTo(new DeliveryStore.Outcome(DeliveryStatus.FAILED, null));
        assertThat(last.metric()).isEqualTo("failed");
    }

    @Test
    void anExceptionTurnedIntoAResultIsAFailedAttemptLikeAnyOther() {
        AttemptPolicy.Verdict v = AttemptPolicy.judge(1, Sender.Result.notSent("Could not send: boom", 0), SCHEDULE, 0,
                new SplittableRandom(1));
        assertThat(v.outcome().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(v.signal()).isEqualTo(Signal.NEUTRAL);
    }

    @Test
    void retryAfterIsHonouredFromTheAnswer() {
        Sender.Result limited = new Sender.Result(429, 10, null, "", Optional.of(Duration.ofSeconds(60)), true);
        AttemptPolicy.Verdict v = AttemptPolicy.judge(1, limited, SCHEDULE, 1_000, new SplittableRandom(1));
        assertThat(v.outcome().nextAttemptAt()).isEqualTo(61_000);
    }
}
