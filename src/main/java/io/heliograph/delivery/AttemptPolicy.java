package io.heliograph.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What one attempt's result means, as plain values: the delivery's next state, what it says of the
 * webhook's health, what it says of the receiver's capacity, and the metric it counts as. Pure.
 */
public final class AttemptPolicy {
    private AttemptPolicy() {
    }

    /** The verdict on one attempt. {@code metric} is {@code delivered}, {@code retrying} or {@code failed}. */
    public record Verdict(DeliveryStore.Outcome outcome, DeliveryStore.Health health, ConcurrencyLimit.Signal signal,
            String metric) {
    }

    /**
     * @param number     this attempt's number (1 for the first)
     * @param result     what the send came to
     * @param answeredAt when the answer (or the failure) came, epoch ms: a {@code Retry-After} counts from then
     * @param random     jitter for the retry delay; each caller's own (a shared generator is not thread-safe)
     */
    public static Verdict judge(int number, Sender.Result result, RetrySchedule schedule, long answeredAt,
            RandomGenerator random) {
        ConcurrencyLimit.Signal signal = signal(result);
        if (result.succeeded()) {
            return new Verdict(new DeliveryStore.Outcome(DeliveryStatus.DELIVERED, null), DeliveryStore.Health.HEALTHY, signal,
                    "delivered");
        }
        if (Integer.valueOf(410).equals(result.statusCode())) {
            return new Verdict(new DeliveryStore.Outcome(DeliveryStatus.FAILED, null), DeliveryStore.Health.GONE, signal, "failed");
        }
        Optional<Duration> delay = schedule.nextDelay(number, result.retryAfter(), random);
        DeliveryStore.Outcome outcome = delay
                .map(d -> new DeliveryStore.Outcome(DeliveryStatus.PENDING, answeredAt + d.toMillis()))
                .orElse(new DeliveryStore.Outcome(DeliveryStatus.FAILED, null));
        return new Verdict(outcome, DeliveryStore.Health.FAILING, signal, delay.isPresent() ? "retrying" : "failed");
    }

    /**
     * An unanswered attempt that held its connection at least this long (ms) timed out, as far as the
     * scheduler cares: it kept a slot for nothing. Refusals and resets come back in milliseconds.
     */
    static final long HELD_WITHOUT_ANSWER_MS = 1_000;

    /**
     * A 2xx is success; a 5xx or a 429 is overload; no answer at all is worse — quick (refused, reset)
     * or after holding the connection ({@link #HELD_WITHOUT_ANSWER_MS} or more: a timeout); anything
     * else — another 4xx, a redirect, a destination the guard refused before any connection — says
     * nothing of the receiver's capacity.
     */
    static ConcurrencyLimit.Signal signal(Sender.Result result) {
        Integer status = result.statusCode();
        if (status == null) {
            if (!result.sent()) {
                return ConcurrencyLimit.Signal.NEUTRAL;
            }
            return result.latencyMs() >= HELD_WITHOUT_ANSWER_MS ? ConcurrencyLimit.Signal.TIMED_OUT
                    : ConcurrencyLimit.Signal.UNANSWERED;
        }
        if (status >= 200 && status < 300) {
            return ConcurrencyLimit.Signal.SUCCESS;
        }
        return status >= 500 || status == 429 ? ConcurrencyLimit.Signal.OVERLOAD : ConcurrencyLimit.Signal.NEUTRAL;
    }
}
