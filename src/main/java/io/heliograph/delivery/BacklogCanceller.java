package io.heliograph.delivery;

import io.heliograph.store.Batches;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels the pending deliveries of deleted webhooks, {@value DeliveryStore#BATCH} per short
 * transaction with a pause between, so a backlog of millions never holds the embedded store's writer
 * for long. Deletion itself only marks the webhook: from that moment none of its deliveries is claimed
 * or attempted (the claim checks the webhook; an attempt re-reads it), so nothing is sent while the
 * cancellation proceeds. A sweep every minute finishes what a restart interrupted.
 */
public final class BacklogCanceller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BacklogCanceller.class);
    static final Duration PAUSE = Duration.ofMillis(10);
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final DeliveryStore deliveries;
    private final LinkedBlockingQueue<DeliveryStore.Due> deleted = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private Thread thread;

    public BacklogCanceller(DeliveryStore deliveries) {
        this.deliveries = deliveries;
    }

    public void start() {
        thread = Thread.ofVirtual().name("backlog-canceller").start(this::run);
    }

    /** The webhook was deleted: cancel its pending deliveries soon. */
    public void cancel(String orgId, String webhookId) {
        deleted.add(new DeliveryStore.Due(orgId, webhookId));
    }

    private void run() {
        long nextSweep = System.nanoTime();
        while (!closed) {
            try {
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + SWEEP_EVERY.toNanos();
                    deliveries.deletedWithPending().forEach(deleted::add);
                }
                DeliveryStore.Due next = deleted.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    cancelAll(next);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Cancelling a deleted webhook's deliveries failed; the next sweep goes on: {}", e.toString());
            }
        }
    }

    /** Cancels every pending delivery of the webhook, batch by batch; answers how many. */
    long cancelAll(DeliveryStore.Due webhook) throws InterruptedException {
        long total = Batches.untilDone(DeliveryStore.BATCH, PAUSE, () -> closed,
                () -> deliveries.cancelPendingBatch(webhook.orgId(), webhook.webhookId(), DeliveryStore.BATCH));
        if (total > 0) {
            LOG.info("Cancelled {} pending deliveries of deleted webhook {}", total, webhook.webhookId());
        }
        return total;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
