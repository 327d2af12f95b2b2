package io.heliograph.delivery;

import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ops.Metrics;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a delivery, top to bottom: claim it with a lease, load its webhook and log, build and
 * sign the body, send it, record the attempt, and schedule the next one or finish. Each attempt runs
 * on its own virtual thread; each webhook has at most {@code perWebhook} attempts in flight, so a
 * slow or dead receiver never holds up the others, even on the same host.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Longer than an attempt waiting for its lane (≤ 15 s) plus the attempt itself (≤ 15 s, + margin). */
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration DISABLE_AFTER = Duration.ofDays(5);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    static final int BATCH = 128;
    static final int MAX_IN_FLIGHT = 2048;

    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final RequestLogStore logs;
    private final Payloads payloads;
    private final Sender sender;
    private final RetrySchedule schedule;
    private final int perWebhook;
    private final Metrics metrics;
    private final Clock clock;
    private final String node = UUID.randomUUID().toString();
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final SplittableRandom random = new SplittableRandom();
    private volatile boolean running;
    private Thread loop;

    public Dispatcher(DeliveryStore deliveries, WebhookStore webhooks, RequestLogStore logs, Payloads payloads, Sender sender,
            RetrySchedule schedule, int perWebhook, Metrics metrics, Clock clock) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.logs = logs;
        this.payloads = payloads;
        this.sender = sender;
        this.schedule = schedule;
        this.perWebhook = perWebhook;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void start() {
        running = true;
        loop = Thread.ofPlatform().name("delivery-dispatcher").daemon(true).start(this::run);
    }

    /** New deliveries are due: claim now instead of at the next poll. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void run() {
        while (running) {
            boolean full = false;
            try {
                full = claimAndStart();
            } catch (RuntimeException e) {
                LOG.warn("Claiming deliveries failed; trying again shortly: {}", e.toString());
            }
            if (!full) {
                try {
                    wakeups.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Claims a batch and starts its attempts; true when the batch was full (more may be due). */
    private boolean claimAndStart() {
        int room = Math.min(BATCH, MAX_IN_FLIGHT - inFlight.get());
        if (room <= 0) {
            return false;
        }
        Set<String> saturated = lanes.entrySet().stream().filter(e -> e.getValue().held() >= perWebhook)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        List<DeliveryStore.Claimed> batch = deliveries.claim(node, clock.millis(), LEASE.toMillis(), room, perWebhook, saturated);
        for (DeliveryStore.Claimed claimed : batch) {
            Lane lane = lanes.computeIfAbsent(claimed.webhookId(), k -> new Lane(perWebhook));
            lane.hold();
            inFlight.incrementAndGet();
            Thread.ofVirtual().name("delivery-" + claimed.id()).start(() -> {
                try {
                    lane.run(() -> attempt(claimed));
                } catch (RuntimeException e) {
                    LOG.warn("Attempt of {} failed before it was recorded; its lease will expire and it will be tried again: {}",
                            claimed.id(), e.toString());
                } finally {
                    lane.release();
                    inFlight.decrementAndGet();
                    wake();
                }
            });
        }
        return batch.size() == room;
    }

    private void attempt(DeliveryStore.Claimed c) {
        Optional<Webhook> found = webhooks.find(c.orgId(), c.webhookId());
        if (found.isEmpty() || !found.get().enabled()) {
            // Deleted (its deliveries are cancelled) or disabled (they wait): no attempt.
            deliveries.release(c.id(), node);
            return;
        }
        Webhook webhook = found.get();
        long now = clock.millis();
        int number = c.attemptsCount() + 1;
        Optional<RequestLog> log = logs.find(c.orgId(), c.requestId());
        if (log.isEmpty()) {
            Attempt gone = new Attempt(number, now, null, 0, "The request log no longer exists (retention)", null);
            deliveries.recordAttempt(c, gone, new DeliveryStore.Outcome(DeliveryStatus.FAILED, null), h -> { });
            return;
        }
        byte[] body = payloads.build(webhook, log.get());
        Sender.Result result = sender.send(webhook.destination(), headers(webhook, c.id(), body, clock.millis()), body);
        record(c, webhook, number, now, result);
    }

    /** Every attempt's headers, computed afresh: both signature schemes, the current time, every valid key. */
    public static Map<String, String> headers(Webhook webhook, String deliveryId, byte[] body, long nowMillis) {
        long timestamp = nowMillis / 1000;
        List<String> keys = new ArrayList<>();
        keys.add(webhook.hmacKey());
        String previous = webhook.validPreviousKey(nowMillis);
        if (previous != null) {
            keys.add(previous);
        }
        String helicone = Signatures.helicone(body, webhook.hmacKey());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Helicone-Signature", helicone);
        headers.put("Helicone-Signature", helicone);
        headers.put("webhook-id", deliveryId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", Signatures.standardWebhooks(deliveryId, timestamp, body, keys));
        return headers;
    }

    private void record(DeliveryStore.Claimed c, Webhook webhook, int number, long now, Sender.Result result) {
        Attempt attempt = new Attempt(number, now, result.statusCode(), result.latencyMs(), result.error(), result.responseBody());
        DeliveryStore.Outcome outcome;
        String metric;
        if (result.succeeded()) {
            outcome = new DeliveryStore.Outcome(DeliveryStatus.DELIVERED, null);
            metric = "delivered";
        } else if (Integer.valueOf(410).equals(result.statusCode())) {
            outcome = new DeliveryStore.Outcome(DeliveryStatus.FAILED, null);
            metric = "failed";
        } else {
            Optional<Duration> delay = schedule.nextDelay(number, result.retryAfter(), random);
            // Counted from the answer, not from the send: "Retry-After: 3" means 3 s from when it was said.
            long answeredAt = clock.millis();
            outcome = delay.map(d -> new DeliveryStore.Outcome(DeliveryStatus.PENDING, answeredAt + d.toMillis()))
                    .orElse(new DeliveryStore.Outcome(DeliveryStatus.FAILED, null));
            metric = delay.isPresent() ? "retrying" : "failed";
        }
        deliveries.recordAttempt(c, attempt, outcome, h -> {
            if (result.succeeded()) {
                WebhookStore.markHealthy(h, webhook.orgId(), webhook.id());
            } else if (Integer.valueOf(410).equals(result.statusCode())) {
                WebhookStore.disable(h, webhook.orgId(), webhook.id(), "Destination answered 410 Gone", now);
            } else {
                WebhookStore.markFailing(h, webhook.orgId(), webhook.id(), now, DISABLE_AFTER.toMillis(),
                        "No successful delivery for 5 days");
            }
        });
        metrics.attempt(metric, result.latencyMs());
    }

    /**
     * One webhook's deliveries on this node: at most {@code cap} attempts run at once; claims stop
     * for the webhook while it holds {@code cap} or more, so at most twice the cap wait here.
     */
    private static final class Lane {
        private final Semaphore running;
        private final AtomicInteger held = new AtomicInteger();

        Lane(int cap) {
            running = new Semaphore(cap);
        }

        int held() {
            return held.get();
        }

        void hold() {
            held.incrementAndGet();
        }

        void run(Runnable attempt) {
            running.acquireUninterruptibly();
            try {
                attempt.run();
            } finally {
                running.release();
            }
        }

        void release() {
            held.decrementAndGet();
        }
    }

    /** Stops claiming, lets attempts in flight finish (up to 10 s), then gives back every lease still held. */
    @Override
    public void close() {
        running = false;
        wake();
        if (loop != null) {
            try {
                loop.join(POLL.toMillis() * 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            int released = deliveries.releaseAll(node);
            if (released > 0 || inFlight.get() > 0) {
                LOG.info("Shutdown: released {} leases ({} attempts still in flight)", released, inFlight.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not release leases at shutdown; they expire in {} s: {}", LEASE.toSeconds(), e.toString());
        }
    }
}
