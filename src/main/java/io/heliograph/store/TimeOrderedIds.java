package io.heliograph.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 ids (RFC 9562): the first 48 bits are the creation time in ms and, within one millisecond
 * of one process, a counter keeps later ids greater. Lists sorted by (created_at, id) therefore show
 * items in the order they were made, even when several share a millisecond.
 */
public final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TimeOrderedIds PROCESS = new TimeOrderedIds();
    private long lastMillis;
    private int counter;

    /** A generator with its own counter; the process uses one ({@link #next(long)}), tests their own. */
    TimeOrderedIds() {
    }

    public static UUID next(long nowMillis) {
        return PROCESS.after(nowMillis);
    }

    synchronized UUID after(long nowMillis) {
        if (nowMillis > lastMillis) {
            lastMillis = nowMillis;
            counter = RANDOM.nextInt(1 << 11); // start low in the 12-bit space, leaving room to count up
        } else if (++counter >= 1 << 12) {
            lastMillis++; // 4096 ids in one millisecond: borrow the next one
            counter = 0;
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | counter;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
