package io.heliograph.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try again. The first attempt is immediate; after failed attempt n, attempt n+1 waits the
 * n-th delay (±20 % jitter, so a burst of failures does not retry in lock-step). Pure; the text form
 * ({@code 5s,5m,30m}) and the default are read in {@code app/Config}.
 */
public record RetrySchedule(List<Duration> delays) {
    static final double JITTER = 0.20;
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    public RetrySchedule {
        delays = List.copyOf(delays);
    }

    /** The longest a delivery can take from its first attempt to its last: every delay at its most jitter. */
    public Duration longestSpan() {
        long total = 0;
        for (Duration d : delays) {
            total += d.toMillis();
        }
        return Duration.ofMillis(Math.round(total * (1 + JITTER)));
    }

    /** How many attempts a delivery gets in all. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /**
     * The wait before the next attempt, after {@code failedAttempts} attempts failed; empty when the
     * schedule is exhausted. A {@code Retry-After} the receiver sent (429, 503) is honoured, clamped
     * to between the scheduled delay and 24 hours.
     */
    public Optional<Duration> nextDelay(int failedAttempts, Optional<Duration> retryAfter, RandomGenerator random) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        Duration scheduled = jittered(delays.get(failedAttempts - 1), random);
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
            return Optional.of(asked.compareTo(scheduled) > 0 ? asked : scheduled);
        }
        return Optional.of(scheduled);
    }

    static Duration jittered(Duration delay, RandomGenerator random) {
        double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }
}
