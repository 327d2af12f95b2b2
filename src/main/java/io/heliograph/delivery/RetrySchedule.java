package io.heliograph.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When to try again. The first attempt is immediate; after failed attempt n, attempt n+1 waits the
 * n-th delay (±20 % jitter, so a burst of failures does not retry in lock-step). Pure.
 */
public record RetrySchedule(List<Duration> delays) {
    public static final String DEFAULT = "5s,5m,30m,2h,5h,10h,10h";
    static final double JITTER = 0.20;
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    private static final Pattern DELAY = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    public RetrySchedule {
        delays = List.copyOf(delays);
    }

    /** Parses {@code 5s,5m,30m,2h}: units ms, s, m, h, d. An empty text means one attempt only. */
    public static RetrySchedule parse(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            delays.add(parseDelay(p, "retry delay", "5s,5m,30m"));
        }
        return new RetrySchedule(delays);
    }

    /**
     * Parses one duration such as {@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 30d};
     * {@code what} names it in the error message, {@code example} shows a valid value.
     */
    public static Duration parseDelay(String text, String what, String example) {
        Matcher m = DELAY.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + text.trim()
                    + "' (expected a number and a unit: ms, s, m, h or d, e.g. " + example + ")");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
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
