package io.heliograph.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * A webhook's attempts over the last day and the last hour, built from rows the store aggregated
 * (one per distinct latency), never from the attempts themselves: counts, successes, and the
 * nearest-rank p50 and p99 latencies, exact.
 */
public final class AttemptStats {
    /** {@code count} attempts that took {@code latencyMs}, {@code successes} of them 2xx; {@code recent}: within the last hour. */
    public record Row(long latencyMs, boolean recent, long count, long successes) {
    }

    /** One window's figures; the latencies are null when it holds no attempt. */
    public record Window(long attempts, long successes, Long p50LatencyMs, Long p99LatencyMs) {
        public long failures() {
            return attempts - successes;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /** Rows must come in order of latency. */
    void add(Row row) {
        rows.add(row);
    }

    public Window lastDay() {
        return window(false);
    }

    public Window lastHour() {
        return window(true);
    }

    private Window window(boolean recentOnly) {
        long attempts = 0;
        long successes = 0;
        for (Row r : rows) {
            if (r.recent() || !recentOnly) {
                attempts += r.count();
                successes += r.successes();
            }
        }
        return new Window(attempts, successes, percentile(0.50, attempts, recentOnly), percentile(0.99, attempts, recentOnly));
    }

    /** Nearest rank: the smallest latency with at least ⌈p·n⌉ attempts at or below it. */
    private Long percentile(double p, long n, boolean recentOnly) {
        if (n == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * n));
        long seen = 0;
        for (Row r : rows) {
            if (r.recent() || !recentOnly) {
                seen += r.count();
                if (seen >= rank) {
                    return r.latencyMs();
                }
            }
        }
        return rows.get(rows.size() - 1).latencyMs();
    }
}
