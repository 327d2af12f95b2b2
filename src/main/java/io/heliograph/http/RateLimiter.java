package io.heliograph.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: {@code perSecond} requests a second on average, bursts of up to one
 * second's worth. Kept in memory, so each server process counts for itself (two servers behind a
 * load balancer allow twice the rate). Buckets of keys that have gone quiet are dropped.
 */
public final class RateLimiter {
    private static final int SWEEP_AT = 10_000;

    private final double perSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond requests per second per key; must be positive */
    public RateLimiter(int perSecond, LongSupplier nanoTime) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("A rate limit must be positive, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = perSecond;
        this.nanoTime = nanoTime;
    }

    public int perSecond() {
        return (int) perSecond;
    }

    /** Takes one request's token for {@code key}: 0 when allowed, else whole seconds to wait (at least 1). */
    public long tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > SWEEP_AT) {
            buckets.values().removeIf(b -> b.isFullAt(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(capacity, now)).take(now);
    }

    /** How many keys have a bucket now. */
    int trackedKeys() {
        return buckets.size();
    }

    private final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double secondsToOne = (1 - tokens) / perSecond;
            return Math.max(1, (long) Math.ceil(secondsToOne));
        }

        synchronized boolean isFullAt(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            double elapsed = Math.max(0, now - updatedAt) / 1e9;
            tokens = Math.min(capacity, tokens + elapsed * perSecond);
            updatedAt = now;
        }
    }
}
