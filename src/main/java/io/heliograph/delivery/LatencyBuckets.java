package io.heliograph.delivery;

import java.util.Arrays;

/**
 * The latency buckets of the per-minute rollups: exact up to 10 ms, then each bucket's upper bound
 * 25 % above the one before (rounded up), up to two minutes, then one bucket for anything longer. A
 * percentile read from them is the upper bound of the bucket that holds it: never below the true
 * value, and at most a quarter above it.
 */
public final class LatencyBuckets {
    private static final long[] UPPER = bounds();

    private LatencyBuckets() {
    }

    private static long[] bounds() {
        long[] b = new long[64];
        int n = 0;
        for (long ms = 0; ms <= 10; ms++) {
            b[n++] = ms;
        }
        while (b[n - 1] < 120_000) {
            b[n] = (long) Math.ceil(b[n - 1] * 1.25);
            n++;
        }
        b[n++] = Long.MAX_VALUE;
        return Arrays.copyOf(b, n);
    }

    /** The bucket of a latency: the first whose upper bound is at least it (a negative one counts as 0). */
    public static int of(long latencyMs) {
        int i = Arrays.binarySearch(UPPER, Math.max(0, latencyMs));
        return i >= 0 ? i : -i - 1;
    }

    /** The largest latency the bucket holds; for the last, open-ended bucket, the largest finite bound. */
    public static long upperBound(int bucket) {
        int i = Math.max(0, Math.min(bucket, UPPER.length - 1));
        return i == UPPER.length - 1 ? UPPER[i - 1] : UPPER[i];
    }

    public static int count() {
        return UPPER.length;
    }

    /**
     * The nearest-rank percentile of counts per bucket ({@code counts[b]}: attempts in bucket b): the
     * upper bound of the bucket holding the ⌈p·n⌉-th smallest latency; null when there are none.
     */
    public static Long percentile(long[] counts, double p) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        if (n == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * n));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return upperBound(b);
            }
        }
        return upperBound(counts.length - 1);
    }
}
