package io.heliograph.ops;

import io.heliograph.store.Batches;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes logs and delivery records older than HELIOGRAPH_RETENTION: a sweep every minute deletes
 * them {@value #BATCH} at a time, each batch its own short transaction, with a pause between
 * batches so that the dispatcher's and the log routes' writes are never held behind a long delete
 * (on SQLite there is one writer at a time). Age is when Heliograph stored a log (not the start
 * time its caller reported, which may be in the past) and when a delivery was created.
 *
 * <p>Several servers on one PostgreSQL may sweep at once: batches then overlap harmlessly (a row
 * already deleted is not counted twice).
 */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 500;
    static final Duration PAUSE = Duration.ofMillis(20);
    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final Duration FIRST_SWEEP = Duration.ofSeconds(10);

    private final Duration keep;
    private final Purge deliveries;
    private final Purge logs;
    private final Purge rollups;
    private final Metrics metrics;
    private final Clock clock;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile boolean closed;
    private Thread thread;

    /**
     * One bounded step of a purge: removes up to {@code limit} records stored before {@code cutoff}
     * (epoch ms) that may go, in one short transaction, and answers how many.
     */
    @FunctionalInterface
    public interface Purge {
        int batch(long cutoff, int limit);
    }

    /**
     * @param keep       how long records are kept; zero keeps them forever (no sweeps)
     * @param deliveries purges ended deliveries with their attempts (first, so logs they need go after them)
     * @param logs       purges logs no delivery still needs
     * @param rollups    purges the per-minute attempt counts behind the dashboard's charts (not counted in {@link Swept})
     */
    public Retention(Duration keep, Purge deliveries, Purge logs, Purge rollups, Metrics metrics, Clock clock) {
        this.keep = keep;
        this.deliveries = deliveries;
        this.logs = logs;
        this.rollups = rollups;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void start() {
        if (keep.isZero()) {
            LOG.info("Retention is off: logs and deliveries are kept forever");
            return;
        }
        thread = Thread.ofVirtual().name("retention").start(() -> {
            Duration wait = FIRST_SWEEP;
            while (!closed) {
                try {
                    Thread.sleep(wait);
                    sweep();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // The store is down or busy: the next sweep tries again.
                    LOG.warn("Retention sweep failed: {}", e.toString());
                }
                wait = INTERVAL;
            }
        });
    }

    /** Stops the periodic sweeps; {@link #sweep()} still works (for tests that sweep at a moment of their choosing). */
    public void stopSchedule() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** What one sweep removed. */
    public record Swept(long deliveries, long logs) {
    }

    /** Removes everything past retention now, batch by batch; one sweep at a time. */
    public Swept sweep() throws InterruptedException {
        if (keep.isZero() || !sweeping.compareAndSet(false, true)) {
            return new Swept(0, 0);
        }
        try {
            long cutoff = clock.millis() - keep.toMillis();
            long removedDeliveries = drain(deliveries, cutoff);
            long removedLogs = drain(logs, cutoff);
            drain(rollups, cutoff);
            if (removedDeliveries + removedLogs > 0) {
                LOG.info("Retention removed {} deliveries and {} logs older than {}", removedDeliveries, removedLogs, keep);
            }
            metrics.retentionRemoved(removedDeliveries, removedLogs);
            return new Swept(removedDeliveries, removedLogs);
        } finally {
            sweeping.set(false);
        }
    }

    private long drain(Purge purge, long cutoff) throws InterruptedException {
        return Batches.untilDone(BATCH, PAUSE, () -> closed, () -> purge.batch(cutoff, BATCH));
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
