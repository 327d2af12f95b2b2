package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    @Test
    void exactUpToTenMillisecondsThenNeverMoreThanAQuarterAbove() {
        for (long ms = 0; ms <= 10; ms++) {
            assertThat(LatencyBuckets.upperBound(LatencyBuckets.of(ms))).isEqualTo(ms);
        }
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long ms = 11 + (long) Math.exp(random.nextDouble() * Math.log(120_000));
            long upper = LatencyBuckets.upperBound(LatencyBuckets.of(ms));
            assertThat(upper).as("%d ms", ms).isGreaterThanOrEqualTo(Math.min(ms, 120_000)).isLessThanOrEqualTo((long) Math.ceil(ms * 1.25) + 1);
        }
        assertThat(LatencyBuckets.of(-5)).isZero();
        assertThat(LatencyBuckets.of(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.count() - 1);
        assertThat(LatencyBuckets.count()).isLessThan(64);
    }

    @Test
    void percentilesAreNearestRankOverTheBuckets() {
        long[] counts = new long[LatencyBuckets.count()];
        assertThat(LatencyBuckets.percentile(counts, 0.5)).isNull();
        counts[LatencyBuckets.of(3)] = 98;
        counts[LatencyBuckets.of(1_000)] = 2;
        assertThat(LatencyBuckets.percentile(counts, 0.50)).isEqualTo(3);
        assertThat(LatencyBuckets.percentile(counts, 0.98)).isEqualTo(3);
        assertThat(LatencyBuckets.percentile(counts, 0.99)).isBetween(1_000L, 1_250L);
        long[] one = new long[LatencyBuckets.count()];
        Arrays.fill(one, 0);
        one[LatencyBuckets.of(7)] = 1;
        assertThat(LatencyBuckets.percentile(one, 0.99)).isEqualTo(7);
    }
}
