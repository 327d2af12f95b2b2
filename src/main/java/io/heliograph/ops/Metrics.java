package io.heliograph.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's Prometheus metrics. No label names an organization, a webhook or a destination:
 * per-webhook figures are read through the authenticated API instead.
 */
public final class Metrics {
    /** A snapshot of the outbox: pending deliveries and the age of the oldest due one. */
    public record Backlog(long pending, double oldestAgeSeconds) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter logsIngested;
    private final Counter gatewayLogsLost;
    private final Counter delivered;
    private final Counter retrying;
    private final Counter failed;
    private final Timer attemptLatency;
    /** Registered once, as {@link #attemptLatency} is: recorded for every delivery, looked up for none. */
    private final Timer firstWaitHandoff;
    private final Timer firstWaitClaim;
    private final Supplier<Backlog> backlogSource;
    private volatile Backlog backlog = new Backlog(0, 0);
    private volatile long backlogReadAt;

    public Metrics(Supplier<Backlog> backlogSource) {
        this.backlogSource = backlogSource;
        gatewayLogsLost = Counter.builder("heliograph_gateway_logs_lost")
                .description("Gateway exchanges whose log could not be written after retries").register(registry);
        logsIngested = Counter.builder("heliograph_logs_ingested").description("Request logs stored").register(registry);
        delivered = outcome("delivered");
        retrying = outcome("retrying");
        failed = outcome("failed");
        attemptLatency = Timer.builder("heliograph_delivery_attempt")
                .description("Time from sending a webhook request to its answer (or failure)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(20))
                .register(registry);
        firstWaitHandoff = firstAttemptWaitTimer("handoff");
        firstWaitClaim = firstAttemptWaitTimer("claim");
        // Heap, threads and CPU of the process: what an operator (and bench/load.sh) reads to size a node.
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("heliograph_deliveries_pending", this, m -> m.backlog().pending())
                .description("Deliveries waiting for an attempt").register(registry);
        Gauge.builder("heliograph_deliveries_oldest_pending_age_seconds", this, m -> m.backlog().oldestAgeSeconds())
                .description("How long the oldest due delivery has waited").register(registry);
    }

    private Counter outcome(String outcome) {
        return Counter.builder("heliograph_delivery_attempts").tag("outcome", outcome)
                .description("Delivery attempts by outcome: delivered, retrying (failed, will retry), failed (schedule exhausted)")
                .register(registry);
    }

    /** A gauge read when scraped; for figures of the node as a whole, never of one tenant. */
    public void gauge(String name, String description, Supplier<? extends Number> value) {
        // Held strongly: by default a gauge keeps only a weak reference, and a lambda nobody else
        // holds is collected at the next GC, after which the gauge reads NaN.
        Gauge.builder(name, value, v -> v.get().doubleValue()).strongReference(true).description(description).register(registry);
    }

    /** One gateway exchange ended: completed, cancelled, upstream_timeout, upstream_unreachable or upstream_failed. */
    public void gatewayExchange(String outcome) {
        Counter.builder("heliograph_gateway_exchanges").tag("outcome", outcome)
                .description("Exchanges through the gateway by how they ended")
                .register(registry).increment();
    }

    /** A gateway exchange passed but its log could not be written, even after retries. */
    public void gatewayLogLost() {
        gatewayLogsLost.increment();
    }

    /** Rows a retention sweep removed. */
    public void retentionRemoved(long deliveries, long logs) {
        Counter.builder("heliograph_retention_removed").tag("kind", "deliveries")
                .description("Records removed by retention").register(registry).increment(deliveries);
        Counter.builder("heliograph_retention_removed").tag("kind", "logs")
                .description("Records removed by retention").register(registry).increment(logs);
    }

    public void logsIngested(int count) {
        logsIngested.increment(count);
    }

    /**
     * A delivery's first attempt starts: how long it waited since its log was stored, by the way it came
     * to this node — {@code handoff} (leased in its log's transaction) or {@code claim} (waited in the
     * store for room). Where a delay comes from, for the node as a whole, never per tenant.
     */
    public void firstAttemptWait(boolean handedOff, long waitedMs) {
        (handedOff ? firstWaitHandoff : firstWaitClaim).record(Math.max(0, waitedMs), TimeUnit.MILLISECONDS);
    }

    private Timer firstAttemptWaitTimer(String path) {
        return Timer.builder("heliograph_delivery_first_attempt_wait")
                .description("From a delivery's log stored to its first attempt started, by how it reached the node: handoff or claim")
                .tag("path", path)
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    public void attempt(String outcome, long latencyMs) {
        attemptLatency.record(latencyMs, TimeUnit.MILLISECONDS);
        switch (outcome) {
            case "delivered" -> delivered.increment();
            case "retrying" -> retrying.increment();
            default -> failed.increment();
        }
    }

    /** The outbox is read at most once a second, however often Prometheus scrapes. */
    private Backlog backlog() {
        long now = System.currentTimeMillis();
        if (now - backlogReadAt > 1000) {
            try {
                backlog = backlogSource.get();
            } catch (RuntimeException e) {
                // the store is down: keep the last figures; /readyz says what is wrong
            }
            backlogReadAt = now;
        }
        return backlog;
    }

    public String scrape() {
        return registry.scrape();
    }
}
