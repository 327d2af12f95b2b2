package io.heliograph.gateway;

import io.heliograph.ingest.GatewayExchange;
import io.heliograph.ingest.GatewayLogFormat;
import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.LogInput;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes gateway logs off the caller's path: the exchange has ended and the caller has its answer
 * before the log is decoded, reassembled and committed. A write the store refuses is retried for
 * about a minute (a PostgreSQL fail-over, a busy SQLite file) before it is given up, loudly.
 * At most {@value #MAX_PENDING} logs wait at once; beyond that a finished exchange waits for room,
 * which holds back only that connection's next request, never a response.
 */
final class GatewayLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayLogWriter.class);
    static final int MAX_PENDING = 1024;
    private static final long[] RETRY_DELAYS_MS = {100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000};
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final IngestService ingest;
    private final Runnable onLost;
    private final ExecutorService writers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("gateway-log-", 0).factory());
    private final Semaphore room = new Semaphore(MAX_PENDING);
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closing;

    /** @param onLost told of each log given up on (a metric) */
    GatewayLogWriter(IngestService ingest, Runnable onLost) {
        this.ingest = ingest;
        this.onLost = onLost;
    }

    /** Whether a log could be queued now without waiting: the gateway answers 503 before forwarding when not. */
    boolean hasRoom() {
        return room.availablePermits() > 0;
    }

    /**
     * Queues the exchange's log; returns at once unless {@value #MAX_PENDING} logs are already waiting.
     * {@code done} is closed once the log is written or given up on (it returns the log's share of the
     * ingest budget).
     */
    void submit(String orgId, GatewayExchange exchange, AutoCloseable done) {
        room.acquireUninterruptibly();
        try {
            writers.execute(() -> {
                try {
                    write(orgId, exchange);
                } finally {
                    room.release();
                    closeQuietly(done);
                }
            });
        } catch (RuntimeException e) {
            room.release();
            closeQuietly(done);
            giveUp();
            LOG.error("Gateway log {} not written: the server is shutting down", exchange.identity().requestId().orElse("?"));
        }
    }

    private void write(String orgId, GatewayExchange exchange) {
        LogInput input;
        try {
            input = GatewayLogFormat.parse(exchange);
        } catch (RuntimeException e) {
            giveUp();
            LOG.error("Gateway log for org {} could not be assembled", orgId, e);
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                ingest.log(orgId, input);
                return;
            } catch (RuntimeException e) {
                if (attempt >= RETRY_DELAYS_MS.length || closing && attempt >= 2) {
                    giveUp();
                    LOG.error("Gateway log for org {} not written after {} attempts: {}", orgId, attempt + 1, e.toString());
                    return;
                }
                LOG.warn("Gateway log write failed ({}), retrying", e.toString());
                try {
                    Thread.sleep(RETRY_DELAYS_MS[attempt]);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    giveUp();
                    return;
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable done) {
        try {
            done.close();
        } catch (Exception e) {
            LOG.warn("Releasing a gateway log's share failed", e);
        }
    }

    private void giveUp() {
        lost.incrementAndGet();
        onLost.run();
    }

    /** Logs given up on since start: each one is an exchange that passed but was not recorded. */
    long lost() {
        return lost.get();
    }

    /** Waits up to 10 s for the logs still waiting to be written. */
    @Override
    public void close() {
        closing = true;
        writers.shutdown();
        try {
            if (!writers.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("{} gateway logs still unwritten at shutdown", MAX_PENDING - room.availablePermits());
                writers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
