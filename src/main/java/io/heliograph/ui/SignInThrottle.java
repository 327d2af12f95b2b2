package io.heliograph.ui;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed sign-ins per client address: after {@link #MAX_FAILURES} within {@link #WINDOW_MS} the
 * address is refused until the oldest of them is a window old, so guessing keys runs at a few tries
 * a minute. Memory is bounded: past {@link #MAX_ADDRESSES} the longest-quiet address is forgotten.
 */
final class SignInThrottle {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MS = 60_000;
    static final int MAX_ADDRESSES = 100_000;

    private final LongSupplier clock;
    /** Each address's failure times, oldest first; access order, so the eldest entry is the quietest. */
    private final Map<String, long[]> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    SignInThrottle(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    /** Seconds the address must wait before trying again; 0: it may try now. */
    synchronized long waitSeconds(String address) {
        long[] times = failures.get(address);
        if (times == null || times.length < MAX_FAILURES) {
            return 0;
        }
        long until = times[times.length - MAX_FAILURES] + WINDOW_MS;
        long wait = until - clock.getAsLong();
        return wait <= 0 ? 0 : (wait + 999) / 1000;
    }

    synchronized void failed(String address) {
        long now = clock.getAsLong();
        long[] times = failures.getOrDefault(address, new long[0]);
        int keep = 0;
        for (long t : times) {
            if (now - t < WINDOW_MS) {
                keep++;
            }
        }
        keep = Math.min(keep, MAX_FAILURES - 1);
        long[] next = new long[keep + 1];
        System.arraycopy(times, times.length - keep, next, 0, keep);
        next[keep] = now;
        failures.put(address, next);
    }

    synchronized void succeeded(String address) {
        failures.remove(address);
    }
}
