package io.heliograph.store;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Long deletes and updates done as many short ones: each batch its own transaction, a pause between
 * full batches, so the embedded store's one writer is never held for long by housekeeping.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * Runs {@code batch} (one bounded step answering how many rows it touched) until a step touches
     * fewer than {@code size} rows or {@code stop} says so, sleeping {@code pause} after each full one.
     * Answers the total.
     */
    public static long untilDone(int size, Duration pause, BooleanSupplier stop, IntSupplier batch)
            throws InterruptedException {
        long total = 0;
        while (!stop.getAsBoolean()) {
            int done = batch.getAsInt();
            total += done;
            if (done < size) {
                break;
            }
            Thread.sleep(pause);
        }
        return total;
    }
}
