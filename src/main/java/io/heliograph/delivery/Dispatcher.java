package io.heliograph.delivery;

import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ops.Metrics;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a delivery, top to bottom: lease it, build and sign the body, send it, record the
 * attempt, and schedule the next one or finish. Each attempt runs on its own virtual thread; each
 * webhook has at most {@code perWebhook} attempts running on this node, so a slow or dead receiver
 * never holds up the others, even on the same host.
 *
 * <p>Two ways in. A new delivery is leased to this node in its log's own transaction and handed
 * over with its webhook and log in memory ({@link #reserve}, {@link #handOff}): no claim, no read.
 * Everything else — retries coming due, deliveries a full webhook could not take, another node's
 * expired leases, work left by a restart — is claimed from the store: each webhook's due rows
 * through an index, up to what its lane has room for. Finished attempts are written by one
 * recorder thread, many per transaction.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Longer than an attempt waiting for its lane (≤ 30 s) plus the attempt itself (≤ 15 s, + margin). */
    public static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration DISABLE_AFTER = Duration.ofDays(5);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    static final int MAX_IN_FLIGHT = 2048;
    static final int MAX_RECORD_BATCH = 256;
    /**
     * A lane holds up to this many times the webhook's concurrency: the last waits at most two
     * attempts' time (2 × 15 s) before its own (≤ 15 s) — within the 60 s lease.
     */
    static final int HOLD = 3;
    static final long WEBHOOK_FRESH_MS = 1000;
    /**
     * A log handed over (or read with its claimed batch) keeps its bodies in memory until its attempt;
     * a larger one is read when its turn comes instead. At most 2,048 in flight × 64 Ki chars: bounded.
     */
    static final int MAX_HANDOFF_BODY_CHARS = 64 * 1024;

    /** A delivery the outbox leased to this node in its log's transaction, with what its first attempt needs. */
    public record Handoff(DeliveryStore.Claimed claimed, Webhook webhook, RequestLog log) {
    }

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
    private final AtomicBoolean sweepRequested = new AtomicBoolean(true);
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, Cached> webhookCache = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final SplittableRandom random = new SplittableRandom();
    private final LinkedBlockingQueue<PendingRecord> records = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile boolean recording;
    private Thread loop;
    private Thread recorder;

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
        recording = true;
        recorder = Thread.ofPlatform().name("delivery-recorder").daemon(true).start(this::recordLoop);
        running = true;
        loop = Thread.ofPlatform().name("delivery-dispatcher").daemon(true).start(this::run);
    }

    /** This node's name in leases. */
    public String node() {
        return node;
    }

    /** Something may be due in the store (a retry asked for, a webhook enabled): look at every webhook now. */
    public void wake() {
        sweepRequested.set(true);
        nudge();
    }

    private void nudge() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /**
     * Reserves room on this node for one new delivery of the webhook, to be leased in its log's
     * transaction and handed over after the commit; false when the webhook (or the node) is full, and
     * the delivery is left in the store to be claimed. A reservation is either handed over or given back.
     */
    public boolean reserve(String orgId, String webhookId) {
        if (!running) {
            return false;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return false;
        }
        if (!lane(orgId, webhookId).tryHold(HOLD * perWebhook)) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a reservation whose transaction rolled back. */
    public void unreserve(String orgId, String webhookId) {
        lane(orgId, webhookId).release();
        inFlight.decrementAndGet();
    }

    /** Starts the first attempt of a reserved delivery whose lease committed with its log. */
    public void handOff(Handoff handoff) {
        DeliveryStore.Claimed c = handoff.claimed();
        RequestLog log = handoff.log();
        RequestLog kept = length(log.requestBody()) + length(log.responseBody()) + length(log.responseText()) <= MAX_HANDOFF_BODY_CHARS
                ? log : null;
        launch(c, lane(c.orgId(), c.webhookId()), waited -> attempt(c, waited ? null : handoff.webhook(), kept));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** The webhook has deliveries in the store that this node did not take: claim them as its lane empties. */
    public void backlogged(String orgId, String webhookId) {
        lane(orgId, webhookId).storeBacklog = true;
        nudge();
    }

    private Lane lane(String orgId, String webhookId) {
        return lanes.computeIfAbsent(webhookId, k -> new Lane(orgId, perWebhook));
    }

    private void run() {
        while (running) {
            boolean sweep = sweepRequested.getAndSet(false);
            try {
                claimAndStart(sweep);
            } catch (RuntimeException e) {
                LOG.warn("Claiming deliveries failed; trying again shortly: {}", e.toString());
            }
            try {
                if (!wakeups.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    sweepRequested.set(true); // a quiet second: look at everything (retries come due this way)
                }
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Claims for every webhook with work in the store — all enabled webhooks with due deliveries when
     * sweeping, else the lanes known to have a backlog — as much as each lane has room for.
     */
    private void claimAndStart(boolean sweep) {
        long now = clock.millis();
        List<DeliveryStore.Due> candidates = sweep
                ? deliveries.dueWebhooks(now)
                : lanes.entrySet().stream().filter(e -> e.getValue().storeBacklog)
                        .map(e -> new DeliveryStore.Due(e.getValue().orgId, e.getKey())).toList();
        for (DeliveryStore.Due due : candidates) {
            int room = MAX_IN_FLIGHT - inFlight.get();
            if (room <= 0 || !running) {
                return;
            }
            Lane lane = lane(due.orgId(), due.webhookId());
            int want = Math.min(HOLD * perWebhook - lane.held(), room);
            if (want <= 0) {
                lane.storeBacklog = true; // claimed when the lane has room again
                continue;
            }
            // Cleared before the claim: an outbox overflow committing meanwhile sets it again.
            lane.storeBacklog = false;
            Optional<Webhook> webhook = current(due.orgId(), due.webhookId());
            if (webhook.isEmpty() || !webhook.get().enabled()) {
                continue; // deleted (its deliveries are cancelled) or disabled (they wait)
            }
            List<DeliveryStore.Claimed> claimed = deliveries.claim(node, due, now, LEASE.toMillis(), want);
            if (claimed.size() == want) {
                lane.storeBacklog = true;
            }
            for (DeliveryStore.Claimed c : claimed) {
                lane.hold();
                inFlight.incrementAndGet();
            }
            Map<String, RequestLog> small = Map.of();
            try {
                small = logs.findSmall(due.orgId(), claimed.stream().map(DeliveryStore.Claimed::requestId).toList(),
                        MAX_HANDOFF_BODY_CHARS);
            } catch (RuntimeException e) {
                LOG.debug("Reading a claimed batch's logs failed; each attempt reads its own: {}", e.toString());
            }
            for (DeliveryStore.Claimed c : claimed) {
                RequestLog log = small.get(c.requestId());
                launch(c, lane, waited -> attempt(c, waited ? null : webhook.get(), log));
            }
        }
    }

    private record Cached(Optional<Webhook> webhook, long generation, long readAt) {
    }

    /**
     * The webhook as it is now, read at most once per {@value #WEBHOOK_FRESH_MS} ms per webhook: a
     * change made through this process is seen at once (the store's generation moves); one made
     * through another node within that time.
     */
    private Optional<Webhook> current(String orgId, String webhookId) {
        long generation = webhooks.generation();
        long now = System.nanoTime();
        Cached cached = webhookCache.get(webhookId);
        if (cached != null && cached.generation() == generation && now - cached.readAt() < WEBHOOK_FRESH_MS * 1_000_000L) {
            return cached.webhook();
        }
        Optional<Webhook> found = webhooks.find(orgId, webhookId);
        webhookCache.put(webhookId, new Cached(found, generation, now));
        return found;
    }

    /** Runs an attempt on its own virtual thread; the lane and the in-flight count were taken by the caller. */
    private void launch(DeliveryStore.Claimed claimed, Lane lane, java.util.function.Function<Boolean, Finished> attempt) {
        Thread.ofVirtual().name("delivery-" + claimed.id()).start(() -> {
            try {
                // The lane's place is given back as soon as the exchange ends; recording happens beside the next one.
                Finished finished = lane.run(attempt);
                if (finished != null) {
                    record(finished.record());
                    if (finished.metric() != null) {
                        metrics.attempt(finished.metric(), finished.record().attempt().latencyMs());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Attempt of {} failed before it was recorded; its lease will expire and it will be tried again: {}",
                        claimed.id(), e.toString());
            } finally {
                lane.release();
                int before = inFlight.getAndDecrement();
                if ((lane.storeBacklog && lane.held() <= (HOLD - 1) * perWebhook) || before >= MAX_IN_FLIGHT) {
                    nudge();
                }
            }
        });
    }

    /**
     * One attempt. {@code known} is the webhook as read when the delivery was taken, or null when the
     * attempt waited for its lane (read it again: it may have been disabled, deleted or given a new key
     * meanwhile). {@code knownLog} is the log when the outbox handed it over, else null (read it).
     */
    private Finished attempt(DeliveryStore.Claimed c, Webhook known, RequestLog knownLog) {
        Webhook webhook = known;
        if (webhook == null) {
            Optional<Webhook> found = current(c.orgId(), c.webhookId());
            if (found.isEmpty() || !found.get().enabled()) {
                // Deleted (its deliveries are cancelled) or disabled (they wait): no attempt.
                deliveries.release(c.id(), node);
                return null;
            }
            webhook = found.get();
        }
        long now = clock.millis();
        int number = c.attemptsCount() + 1;
        Optional<RequestLog> log = knownLog != null ? Optional.of(knownLog) : logs.find(c.orgId(), c.requestId());
        if (log.isEmpty()) {
            Attempt gone = new Attempt(number, now, null, 0, "The request log no longer exists (retention)", null);
            return new Finished(new DeliveryStore.Recorded(c, gone, new DeliveryStore.Outcome(DeliveryStatus.FAILED, null),
                    DeliveryStore.Health.NONE), null);
        }
        byte[] body = payloads.build(webhook, log.get());
        Sender.Result result = sender.send(webhook.destination(), headers(webhook, c.id(), body, clock.millis()), body);
        Attempt attempt = new Attempt(number, now, result.statusCode(), result.latencyMs(), result.error(), result.responseBody());
        DeliveryStore.Outcome outcome;
        DeliveryStore.Health health;
        String metric;
        if (result.succeeded()) {
            outcome = new DeliveryStore.Outcome(DeliveryStatus.DELIVERED, null);
            health = DeliveryStore.Health.HEALTHY;
            metric = "delivered";
        } else if (Integer.valueOf(410).equals(result.statusCode())) {
            outcome = new DeliveryStore.Outcome(DeliveryStatus.FAILED, null);
            health = DeliveryStore.Health.GONE;
            metric = "failed";
        } else {
            Optional<Duration> delay = schedule.nextDelay(number, result.retryAfter(), random);
            // Counted from the answer, not from the send: "Retry-After: 3" means 3 s from when it was said.
            long answeredAt = clock.millis();
            outcome = delay.map(d -> new DeliveryStore.Outcome(DeliveryStatus.PENDING, answeredAt + d.toMillis()))
                    .orElse(new DeliveryStore.Outcome(DeliveryStatus.FAILED, null));
            health = DeliveryStore.Health.FAILING;
            metric = delay.isPresent() ? "retrying" : "failed";
        }
        return new Finished(new DeliveryStore.Recorded(c, attempt, outcome, health), metric);
    }

    /** An attempt that ended, to record; {@code metric} is its outcome for the metrics, null for none. */
    private record Finished(DeliveryStore.Recorded record, String metric) {
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

    private record PendingRecord(DeliveryStore.Recorded record, CompletableFuture<Void> written) {
    }

    /** Hands the attempt to the recorder and waits until it is written (the lease is held until then). */
    private void record(DeliveryStore.Recorded record) {
        PendingRecord pending = new PendingRecord(record, new CompletableFuture<>());
        if (!recording) {
            write(List.of(pending));
        } else {
            records.add(pending);
        }
        try {
            pending.written().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the attempt was being recorded", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The recorder: takes every finished attempt waiting (up to 256) and writes them in one transaction. */
    private void recordLoop() {
        List<PendingRecord> batch = new ArrayList<>(MAX_RECORD_BATCH);
        while (recording || !records.isEmpty()) {
            try {
                PendingRecord first = records.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                records.drainTo(batch, MAX_RECORD_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Error e) {
                // As the log committer does: the attempts waiting on this batch fail rather than wait forever.
                LOG.error("Attempt recorder failed", e);
                batch.forEach(p -> p.written().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<PendingRecord> batch) {
        try {
            deliveries.recordAttempts(batch.stream().map(PendingRecord::record).toList(), this::applyHealth);
            if (batch.stream().anyMatch(p -> p.record().health() == DeliveryStore.Health.GONE
                    || p.record().health() == DeliveryStore.Health.FAILING)) {
                webhooks.changed(); // it may have disabled a webhook
            }
            batch.forEach(p -> p.written().complete(null));
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).written().completeExceptionally(batchFailure);
                return;
            }
            for (PendingRecord p : batch) { // each alone, so one that cannot be written does not fail the others
                try {
                    deliveries.recordAttempts(List.of(p.record()), this::applyHealth);
                    webhooks.changed();
                    p.written().complete(null);
                } catch (RuntimeException e) {
                    p.written().completeExceptionally(e);
                }
            }
        }
    }

    /** Webhook health from the attempts, in order; a run of the same news about a webhook is written once. */
    private void applyHealth(Handle h, List<DeliveryStore.Recorded> batch) {
        Map<String, DeliveryStore.Health> last = new HashMap<>();
        for (DeliveryStore.Recorded r : batch) {
            DeliveryStore.Health health = r.health();
            String org = r.claimed().orgId();
            String id = r.claimed().webhookId();
            if (health == DeliveryStore.Health.NONE || last.put(org + "/" + id, health) == health) {
                continue;
            }
            long at = r.attempt().attemptedAt();
            switch (health) {
                case HEALTHY -> WebhookStore.markHealthy(h, org, id);
                case GONE -> WebhookStore.disable(h, org, id, "Destination answered 410 Gone", at);
                case FAILING -> WebhookStore.markFailing(h, org, id, at, DISABLE_AFTER.toMillis(), "No successful delivery for 5 days");
                default -> { }
            }
        }
    }

    /**
     * One webhook's deliveries on this node: at most {@code cap} attempts run at once; it holds at
     * most {@value #HOLD} times that (the rest wait here), and the store keeps anything beyond. When it
     * holds one cap's worth less and the store has more, the next claim is made while the lane still
     * has work, so it never runs dry waiting for the store.
     */
    private static final class Lane {
        final String orgId;
        private final Semaphore running;
        private final AtomicInteger held = new AtomicInteger();
        /** The store has due deliveries of this webhook that no node holds. */
        volatile boolean storeBacklog;

        Lane(String orgId, int cap) {
            this.orgId = orgId;
            running = new Semaphore(cap);
        }

        int held() {
            return held.get();
        }

        void hold() {
            held.incrementAndGet();
        }

        boolean tryHold(int limit) {
            while (true) {
                int now = held.get();
                if (now >= limit) {
                    return false;
                }
                if (held.compareAndSet(now, now + 1)) {
                    return true;
                }
            }
        }

        /** Runs the attempt when a place is free; tells it whether it had to wait for one. */
        <T> T run(java.util.function.Function<Boolean, T> attempt) {
            boolean waited = !running.tryAcquire();
            if (waited) {
                running.acquireUninterruptibly();
            }
            try {
                return attempt.apply(waited);
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
        nudge();
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
        recording = false;
        if (recorder != null) {
            try {
                recorder.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
