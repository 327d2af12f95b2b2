package io.heliograph.delivery;

import io.heliograph.destination.Destination;
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
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a delivery, top to bottom: it arrives (handed over by the outbox, or claimed from the
 * store), waits its turn in memory ({@link Scheduler}: fair among organizations, webhooks and
 * origins), is attempted on its own virtual thread — build and sign the body, send it — and its
 * attempt is judged ({@link AttemptPolicy}) and recorded ({@link AttemptRecorder}), which schedules
 * the next one or ends it.
 *
 * <p>Two ways in. A new delivery is leased to this node in its log's own transaction and handed over
 * with its webhook and log in memory ({@link #reserve}, {@link #handOff}): no claim, no read.
 * Everything else — retries coming due, deliveries a webhook had no room for, another node's expired
 * leases, work left by a restart — is claimed from the store by one claimer thread, each webhook's due
 * rows through an index, as much as its lane has room for, organizations interleaved so none is first
 * by accident of index order. Memory holds only what can be sent soon; the rest waits in the store.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Longer than a delivery waits in memory plus its attempt (see {@link #LEASE_MARGIN}). */
    public static final Duration LEASE = Duration.ofSeconds(60);
    /**
     * A delivery that waited in memory until less than this is left of its lease goes back to the
     * store instead of being attempted: its attempt (≤ 15 s) could outlive the lease, and another node
     * could take it meanwhile.
     */
    static final Duration LEASE_MARGIN = Sender.TOTAL_TIMEOUT.plusSeconds(10);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(2);
    /** A node not heard from for this long no longer counts towards the share (it died). */
    static final Duration NODE_ALIVE = Duration.ofSeconds(10);
    /** The longest between two sweeps of the store, however slow they are. */
    static final Duration MAX_SWEEP_EVERY = Duration.ofSeconds(10);
    /** The longest one pass of the claimer runs before it looks again at who is waiting. */
    static final Duration CLAIM_SLICE = Duration.ofMillis(100);
    static final Duration PRUNE_EVERY = Duration.ofSeconds(10);
    /** A webhook's lane that has held nothing for this long is forgotten (and made again when needed). */
    static final Duration LANE_IDLE = Duration.ofSeconds(60);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    static final int NODE_IN_FLIGHT = 4096;
    static final int NODE_HELD = 16384;
    /** A log whose bodies are at most this long is kept in memory with its delivery, so its attempt reads nothing. */
    static final int MAX_KEPT_BODY_CHARS = 64 * 1024;
    /** All logs kept in memory together: beyond this, attempts read their log when their turn comes. */
    static final long KEPT_BODIES_BUDGET_CHARS = 32L * 1024 * 1024;

    /** A delivery the outbox leased to this node in its log's transaction, with what its first attempt needs. */
    public record Handoff(DeliveryStore.Claimed claimed, Webhook webhook, long webhookGeneration, RequestLog log) {
    }

    /** A delivery in memory, ready to go: its lease, when it was small enough to keep its log, and whether it was handed over. */
    private record Job(DeliveryStore.Claimed claimed, RequestLog log, long keptChars, boolean handedOff) {
    }

    /** An attempt that ended: the record to write, or null when it was given back to the store without an attempt. */
    private record Finished(DeliveryStore.Recorded record, ConcurrencyLimit.Signal signal, String metric) {
        static final Finished GIVEN_BACK = new Finished(null, ConcurrencyLimit.Signal.NEUTRAL, null);
    }

    private final DeliveryStore deliveries;
    private final CurrentWebhooks webhooks;
    private final RequestLogStore logs;
    private final Payloads payloads;
    private final Sender sender;
    private final RetrySchedule schedule;
    private final Metrics metrics;
    private final Clock clock;
    private final String node = UUID.randomUUID().toString();
    private final ReentrantLock lock = new ReentrantLock();
    private final Scheduler<Job> scheduler;
    private final AttemptRecorder recorder;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean sweepRequested = new AtomicBoolean(true);
    private final AtomicLong keptChars = new AtomicLong();
    private final AtomicLong attemptsInProgress = new AtomicLong();
    private final Map<String, String> origins = new java.util.concurrent.ConcurrentHashMap<>();
    private final RecentLogs recentLogs = new RecentLogs(4096, 8L * 1024 * 1024);
    private volatile boolean running;
    private Thread claimer;
    private long rotation;

    public Dispatcher(DeliveryStore deliveries, WebhookStore webhooks, RequestLogStore logs, Payloads payloads, Sender sender,
            RetrySchedule schedule, int perWebhook, int perOrigin, Metrics metrics, Clock clock) {
        this.deliveries = deliveries;
        this.webhooks = new CurrentWebhooks(webhooks);
        this.logs = logs;
        this.payloads = payloads;
        this.sender = sender;
        this.schedule = schedule;
        this.metrics = metrics;
        this.clock = clock;
        this.scheduler = new Scheduler<>(new Scheduler.Capacity(NODE_IN_FLIGHT, NODE_HELD, perOrigin, perWebhook));
        this.recorder = new AttemptRecorder(deliveries, webhooks, node);
        metrics.gauge("heliograph_deliveries_in_flight", "Delivery attempts under way on this node", () -> locked(scheduler::inFlight));
        metrics.gauge("heliograph_deliveries_waiting_in_memory", "Deliveries this node holds in memory, waiting for their turn",
                () -> locked(scheduler::queued));
        metrics.gauge("heliograph_webhooks_probing",
                "Webhooks whose receiver keeps failing, down to one delivery in flight on this node", () -> locked(scheduler::probing));
    }

    public void start() {
        running = true;
        claimer = Thread.ofPlatform().name("delivery-claimer").daemon(true).start(this::claimLoop);
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

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves room on this node for one new delivery of the webhook, to be leased in its log's
     * transaction and handed over after the commit; false when the webhook, its organization or the
     * node has no room now (or none beyond what its older deliveries waiting in the store need), and the
     * delivery is left in the store to be claimed. A reservation is either handed over or given back.
     */
    public boolean reserve(Webhook webhook) {
        if (!running) {
            return false;
        }
        String origin = originOf(webhook.destination());
        long now = System.nanoTime();
        lock.lock();
        try {
            Scheduler.Lane<Job> lane = scheduler.lane(webhook.orgId(), webhook.id(), origin, now);
            // While older deliveries of the webhook wait in the store, a new one is handed over only if
            // it leaves room enough for them to be claimed: new ones must not starve the older.
            if (scheduler.room(lane) < (lane.storeBacklog ? claimThreshold(lane) + 1 : 1)) {
                return false;
            }
            scheduler.hold(lane, 1);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a reservation whose transaction rolled back. */
    public void unreserve(String orgId, String webhookId) {
        lock.lock();
        try {
            Scheduler.Lane<Job> lane = scheduler.existing(orgId, webhookId);
            if (lane != null) {
                scheduler.unhold(lane, 1, System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues the first attempt of a reserved delivery whose lease committed with its log. */
    public void handOff(Handoff handoff) {
        DeliveryStore.Claimed c = handoff.claimed();
        webhooks.offer(handoff.webhook(), handoff.webhookGeneration());
        remember(handoff.log());
        Job job = job(c, handoff.log(), true);
        lock.lock();
        try {
            Scheduler.Lane<Job> lane = scheduler.existing(c.orgId(), c.webhookId());
            if (lane == null) { // cannot happen while it holds the reservation; be safe all the same
                keptChars.addAndGet(-job.keptChars());
                release(List.of(job));
                return;
            }
            scheduler.enqueue(lane, job);
        } finally {
            lock.unlock();
        }
        pump();
    }

    /** A log some of whose deliveries may be claimed from the store soon: kept at hand if small. */
    public void remember(RequestLog log) {
        if (RecentLogs.size(log) <= MAX_KEPT_BODY_CHARS) {
            recentLogs.put(log);
        }
    }

    /** The webhook has deliveries in the store that this node did not take: claim them as its lane empties. */
    public void backlogged(String orgId, String webhookId) {
        lock.lock();
        try {
            Scheduler.Lane<Job> lane = scheduler.existing(orgId, webhookId);
            if (lane != null) {
                lane.storeBacklog = true;
            } else {
                sweepRequested.set(true);
            }
        } finally {
            lock.unlock();
        }
        nudge();
    }

    /** The delivery with its log kept in memory when the log is small and the budget allows, else without. */
    private Job job(DeliveryStore.Claimed claimed, RequestLog log, boolean handedOff) {
        if (log == null) {
            return new Job(claimed, null, 0, handedOff);
        }
        long chars = (long) length(log.requestBody()) + length(log.responseBody()) + length(log.responseText());
        if (chars > MAX_KEPT_BODY_CHARS || keptChars.addAndGet(chars) > KEPT_BODIES_BUDGET_CHARS) {
            if (chars <= MAX_KEPT_BODY_CHARS) {
                keptChars.addAndGet(-chars);
            }
            return new Job(claimed, null, 0, handedOff);
        }
        return new Job(claimed, log, chars, handedOff);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Starts every delivery the scheduler lets go now, each on its own virtual thread. */
    private void pump() {
        List<Scheduler.Started<Job>> starts = new ArrayList<>();
        lock.lock();
        try {
            Scheduler.Started<Job> next;
            while ((next = scheduler.next()) != null) {
                starts.add(next);
            }
        } finally {
            lock.unlock();
        }
        for (Scheduler.Started<Job> started : starts) {
            attemptsInProgress.incrementAndGet();
            Thread.ofVirtual().name("delivery-" + started.job().claimed().id()).start(() -> run(started));
        }
    }

    /**
     * One delivery's turn: the attempt, then its place given back, then its record written beside the
     * next ones. Deliveries it gives back to the store (itself, not attempted; queued ones over a limit
     * that shrank) are released before the claimer is told the webhook has work there: told first, it
     * could claim while they are still leased here, find nothing, and leave them for the next sweep —
     * up to {@link #MAX_SWEEP_EVERY} later when the store is large.
     */
    private void run(Scheduler.Started<Job> started) {
        Job job = started.job();
        Finished finished = Finished.GIVEN_BACK;
        long waited = clock.millis() - job.claimed().createdAt();
        long began = System.nanoTime();
        try {
            finished = attempt(job.claimed(), job.log());
            if (finished.record() != null && job.claimed().attemptsCount() == 0) {
                metrics.firstAttemptWait(job.handedOff(), waited);
            }
        } finally {
            keptChars.addAndGet(-job.keptChars());
            List<Job> excess;
            Scheduler.Lane<Job> lane = started.lane();
            lock.lock();
            try {
                long now = System.nanoTime();
                excess = scheduler.ended(started, finished.signal(), now, finished.record() == null ? -1 : now - began);
                Long retryAt = finished.record() == null ? null : finished.record().outcome().nextAttemptAt();
                if (retryAt != null) {
                    lane.retryDueAt = Math.min(lane.retryDueAt, retryAt); // claimed then, without waiting for a sweep
                }
            } finally {
                lock.unlock();
            }
            pump();
            List<Job> givenBack = new ArrayList<>(excess);
            excess.forEach(j -> keptChars.addAndGet(-j.keptChars()));
            if (finished.record() == null) {
                givenBack.add(job);
            } else {
                write(finished);
            }
            if (!givenBack.isEmpty()) {
                release(givenBack);
            }
            boolean claimMore;
            lock.lock();
            try {
                if (!givenBack.isEmpty()) {
                    lane.storeBacklog = true; // a deleted or disabled webhook's is forgotten by the claimer
                }
                claimMore = lane.storeBacklog && worthClaiming(lane, scheduler.room(lane));
            } finally {
                lock.unlock();
            }
            if (claimMore) {
                nudge();
            }
            attemptsInProgress.decrementAndGet(); // last: shutdown waits for the record handed over
        }
    }

    /**
     * One attempt; never throws. A delivery whose webhook was deleted or disabled meanwhile, or that
     * waited too long for its turn, goes back to the store without an attempt. Anything else that goes
     * wrong — the log gone, a payload that cannot be built, a destination the client cannot use — is a
     * failed attempt with its reason, recorded, and the schedule goes on.
     */
    private Finished attempt(DeliveryStore.Claimed c, RequestLog knownLog) {
        long startedAt = clock.millis();
        Optional<Webhook> found;
        try {
            found = webhooks.get(c.orgId(), c.webhookId());
        } catch (RuntimeException e) {
            LOG.debug("Could not read webhook {}; its delivery goes back to the store: {}", c.webhookId(), e.toString());
            return Finished.GIVEN_BACK;
        }
        if (found.isEmpty() || !found.get().enabled() || c.leaseUntil() - startedAt < LEASE_MARGIN.toMillis()) {
            // Deleted (its backlog is being cancelled), disabled (it waits), or its lease too short to attempt safely.
            return Finished.GIVEN_BACK;
        }
        Webhook webhook = found.get();
        int number = c.attemptsCount() + 1;
        Sender.Result result;
        boolean logGone = false;
        try {
            RequestLog log = knownLog != null ? knownLog : logs.find(c.orgId(), c.requestId()).orElse(null);
            if (log == null) {
                logGone = true;
                result = Sender.Result.notSent("The request log no longer exists", 0);
            } else {
                byte[] body = payloads.build(webhook, log);
                result = sender.send(webhook.destination(), headers(webhook, c.id(), body, clock.millis()), body);
            }
        } catch (RuntimeException e) {
            result = Sender.Result.notSent("Could not attempt the delivery: " + e, clock.millis() - startedAt);
        }
        Attempt attempt = new Attempt(number, startedAt, result.statusCode(), result.latencyMs(), result.error(), result.responseBody());
        if (logGone) {
            // Nothing left to send, ever: ended, and no news of the webhook's health.
            return new Finished(new DeliveryStore.Recorded(c, attempt, new DeliveryStore.Outcome(DeliveryStatus.FAILED, null),
                    DeliveryStore.Health.NONE), ConcurrencyLimit.Signal.NEUTRAL, "failed");
        }
        AttemptPolicy.Verdict verdict = AttemptPolicy.judge(number, result, schedule, clock.millis(), ThreadLocalRandom.current());
        return new Finished(new DeliveryStore.Recorded(c, attempt, verdict.outcome(), verdict.health()), verdict.signal(),
                verdict.metric());
    }

    private void write(Finished finished) {
        DeliveryStore.Recorded record = finished.record();
        metrics.attempt(finished.metric(), record.attempt().latencyMs());
        recorder.record(record).whenComplete((counted, failure) -> {
            if (failure != null) {
                LOG.warn("Attempt {} of {} could not be recorded; its lease will expire and it will be tried again: {}",
                        record.attempt().number(), record.claimed().id(), failure.toString());
            } else if (!counted) {
                LOG.info("Attempt {} of {} was not recorded: this node's lease had expired and another node holds it",
                        record.attempt().number(), record.claimed().id());
            }
        });
    }

    /** Gives deliveries back to the store, in one statement. */
    private void release(List<Job> jobs) {
        try {
            deliveries.release(jobs.stream().map(j -> j.claimed().id()).toList(), node);
        } catch (RuntimeException e) {
            LOG.debug("Could not give back {} leases; they expire by themselves: {}", jobs.size(), e.toString());
        }
    }

    /** Every attempt's headers, computed afresh: both signature schemes, the current time, every valid key. */
    public static Map<String, String> headers(Webhook webhook, String deliveryId, byte[] body, long nowMillis) {
        long timestamp = nowMillis / 1000;
        String helicone = Signatures.helicone(body, webhook.hmacKey());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Helicone-Signature", helicone);
        headers.put("Helicone-Signature", helicone);
        headers.put("webhook-id", deliveryId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", Signatures.standardWebhooks(deliveryId, timestamp, body, webhook.signingKeys(nowMillis)));
        return headers;
    }

    /** The destination's origin (scheme, host, port): what the per-origin cap counts. Parsed once per destination. */
    private String originOf(String destination) {
        String origin = origins.get(destination);
        if (origin == null) {
            if (origins.size() > 100_000) {
                origins.clear(); // webhooks come and go; this only saves parsing
            }
            origin = parseOrigin(destination);
            origins.put(destination, origin);
        }
        return origin;
    }

    static String parseOrigin(String destination) {
        try {
            Destination d = Destination.parse(destination);
            return d.scheme() + "://" + d.host() + ":" + d.port();
        } catch (IllegalArgumentException e) {
            return "unusable:" + destination; // its attempts fail at once; they share one small origin
        }
    }

    /**
     * A lane claims from the store once it has room for half its limit or more — fewer, larger claims —
     * or, holding nothing, for one.
     */
    private static boolean worthClaiming(Scheduler.Lane<?> lane, int room) {
        return room >= (lane.held == 0 ? 1 : claimThreshold(lane));
    }

    private static int claimThreshold(Scheduler.Lane<?> lane) {
        return Math.max(1, (lane.limit.limit() + 1) / 2);
    }

    /**
     * The claimer. Between sweeps it claims for the webhooks it knows have work in the store: those
     * that overflowed, and those whose retry (scheduled by this node) came due. A sweep — every webhook
     * with a due delivery, read from the store — finds the rest: retries other nodes scheduled, leases of
     * nodes that died, webhooks enabled again. Sweeps run every second while they are cheap, and no more
     * than a tenth of the time when a store full of backlog makes them slow.
     */
    private void claimLoop() {
        long lastSweep = 0;
        long lastRefresh = System.nanoTime() - POLL.toNanos();
        long sweepEvery = POLL.toNanos();
        long lastPrune = System.nanoTime();
        long lastHeartbeat = 0;
        while (running) {
            long now = System.nanoTime();
            boolean sweep = sweepRequested.getAndSet(false) || now - lastSweep >= sweepEvery;
            List<DeliveryStore.Due> left = List.of();
            try {
                if (now - lastRefresh >= POLL.toNanos()) {
                    // Every second, however long sweeps take: a webhook deleted or disabled through
                    // another node stops being sent here within a second.
                    lastRefresh = now;
                    webhooks.refresh(clock.millis());
                }
                if (sweep) {
                    lastSweep = now;
                    List<DeliveryStore.Due> due = deliveries.dueWebhooks(clock.millis());
                    long took = System.nanoTime() - now;
                    sweepEvery = Math.min(MAX_SWEEP_EVERY.toNanos(), Math.max(POLL.toNanos(), 10 * took));
                    left = claimFor(due);
                } else {
                    left = claimFor(backloggedLanes());
                }
                markBacklogged(left);
            } catch (RuntimeException e) {
                LOG.warn("Claiming deliveries failed; trying again shortly: {}", e.toString());
            }
            wakeRested();
            if (now - lastHeartbeat >= HEARTBEAT_EVERY.toNanos()) {
                lastHeartbeat = now;
                heartbeat();
            }
            if (now - lastPrune >= PRUNE_EVERY.toNanos()) {
                lastPrune = now;
                prune();
            }
            if (!left.isEmpty()) {
                continue; // cut short: go on at once
            }
            try {
                wakeups.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The lanes with work in the store and room enough to claim now. The others — full, probing,
     * resting — keep their mark and are claimed for once they have room (an
     * attempt that ends, or a pause that ends, wakes the claimer): a pass does not look up a thousand
     * stuck webhooks only to find that none can take anything, again and again.
     */
    private List<DeliveryStore.Due> backloggedLanes() {
        long now = clock.millis();
        lock.lock();
        try {
            List<DeliveryStore.Due> out = new ArrayList<>();
            for (Scheduler.Lane<Job> lane : scheduler.backlogged(now)) {
                if (worthClaiming(lane, scheduler.room(lane))) {
                    out.add(new DeliveryStore.Due(lane.org.id, lane.webhookId));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims for each webhook with work in the store, organizations interleaved, as much as each has room
     * for — for at most {@link #CLAIM_SLICE}: then the loop starts over, so a webhook that has just
     * overflowed into the store (a quiet organization's, say) waits for one slice, not for a pass over
     * every webhook of a busy one. Answers whether it stopped before the end.
     */
    private List<DeliveryStore.Due> claimFor(List<DeliveryStore.Due> dues) {
        long deadline = System.nanoTime() + CLAIM_SLICE.toNanos();
        List<DeliveryStore.Due> order = FairOrder.interleave(dues, DeliveryStore.Due::orgId, rotation++);
        for (int i = 0; i < order.size(); i++) {
            DeliveryStore.Due due = order.get(i);
            if (!running) {
                return List.of();
            }
            if (System.nanoTime() > deadline) {
                return order.subList(i, order.size());
            }
            claimOne(due);
        }
        return List.of();
    }

    /** Claims for one webhook with work in the store as much as its lane has room for, and starts what may start. */
    private void claimOne(DeliveryStore.Due due) {
        Optional<Webhook> webhook = webhooks.get(due.orgId(), due.webhookId());
        if (webhook.isEmpty() || !webhook.get().enabled()) {
            forgetBacklog(due); // deleted (its deliveries are being cancelled) or disabled (they wait)
            return;
        }
        String origin = originOf(webhook.get().destination());
        Scheduler.Lane<Job> lane;
        int room;
        lock.lock();
        try {
            lane = scheduler.lane(due.orgId(), due.webhookId(), origin, System.nanoTime());
            room = scheduler.room(lane);
            if (!worthClaiming(lane, room)) {
                lane.storeBacklog = true; // claimed when the lane has room again
                return;
            }
            // Cleared before the claim: an outbox overflow committing meanwhile sets it again.
            lane.storeBacklog = false;
            scheduler.hold(lane, room);
        } finally {
            lock.unlock();
        }
        List<DeliveryStore.Claimed> claimed = List.of();
        Map<String, RequestLog> small = Map.of();
        try {
            claimed = deliveries.claim(node, due, LEASE.toMillis(), room);
            small = claimed.isEmpty() ? Map.of() : smallLogs(due.orgId(), claimed);
        } finally {
            List<Job> jobs = new ArrayList<>(claimed.size());
            for (DeliveryStore.Claimed c : claimed) {
                jobs.add(job(c, small.get(c.requestId()), false));
            }
            lock.lock();
            try {
                scheduler.unhold(lane, room - claimed.size(), System.nanoTime());
                jobs.forEach(j -> scheduler.enqueue(lane, j));
                if (claimed.size() == room) {
                    lane.storeBacklog = true;
                }
            } finally {
                lock.unlock();
            }
        }
        pump();
    }

    /** Webhooks a cut-short pass did not reach: claimed in the next passes, in turn with any that overflow meanwhile. */
    private void markBacklogged(List<DeliveryStore.Due> left) {
        for (DeliveryStore.Due due : left) {
            lock.lock();
            try {
                Scheduler.Lane<Job> lane = scheduler.existing(due.orgId(), due.webhookId());
                if (lane != null) {
                    lane.storeBacklog = true;
                    continue;
                }
            } finally {
                lock.unlock();
            }
            Optional<Webhook> webhook = webhooks.get(due.orgId(), due.webhookId());
            if (webhook.isEmpty()) {
                continue;
            }
            String origin = originOf(webhook.get().destination());
            lock.lock();
            try {
                scheduler.lane(due.orgId(), due.webhookId(), origin, System.nanoTime()).storeBacklog = true;
            } finally {
                lock.unlock();
            }
        }
    }

    /** The claimed deliveries' logs that are small: from those at hand, the rest read in one query. */
    private Map<String, RequestLog> smallLogs(String orgId, List<DeliveryStore.Claimed> claimed) {
        Map<String, RequestLog> found = new java.util.HashMap<>();
        List<String> missing = new ArrayList<>();
        for (DeliveryStore.Claimed c : claimed) {
            RequestLog log = recentLogs.get(orgId, c.requestId());
            if (log != null) {
                found.put(c.requestId(), log);
            } else {
                missing.add(c.requestId());
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        try {
            Map<String, RequestLog> read = logs.findSmall(orgId, missing, MAX_KEPT_BODY_CHARS);
            read.values().forEach(recentLogs::put);
            found.putAll(read);
        } catch (RuntimeException e) {
            LOG.debug("Reading a claimed batch's logs failed; each attempt reads its own: {}", e.toString());
        }
        return found;
    }

    private void forgetBacklog(DeliveryStore.Due due) {
        lock.lock();
        try {
            Scheduler.Lane<Job> lane = scheduler.existing(due.orgId(), due.webhookId());
            if (lane != null) {
                lane.storeBacklog = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Says this node is alive and takes its share of the cluster-wide caps among the nodes alive. */
    private void heartbeat() {
        try {
            long now = clock.millis();
            int nodes = deliveries.heartbeat(node, now, now - NODE_ALIVE.toMillis());
            lock.lock();
            try {
                scheduler.shareAmong(nodes);
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            LOG.debug("Heartbeat failed; keeping the current share: {}", e.toString());
        }
    }

    /** Webhooks whose pause after a failed probe is over may probe again: claimed for, and started. */
    private void wakeRested() {
        int woken;
        lock.lock();
        try {
            woken = scheduler.wake(System.nanoTime());
        } finally {
            lock.unlock();
        }
        if (woken > 0) {
            pump();
            nudge(); // those with work in the store are claimed for in the next pass, not a poll later
        }
    }

    private void prune() {
        webhooks.prune();
        lock.lock();
        try {
            scheduler.prune(System.nanoTime() - LANE_IDLE.toNanos());
        } finally {
            lock.unlock();
        }
    }

    /** Stops claiming, lets attempts in flight finish (up to 10 s), writes their records, then gives back every lease still held. */
    @Override
    public void close() {
        running = false;
        nudge();
        if (claimer != null) {
            try {
                claimer.join(POLL.toMillis() * 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (attemptsInProgress.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        recorder.close();
        try {
            deliveries.forgetNode(node);
            int released = deliveries.releaseAll(node);
            if (released > 0 || attemptsInProgress.get() > 0) {
                LOG.info("Shutdown: released {} leases ({} attempts still in flight)", released, attemptsInProgress.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not release leases at shutdown; they expire in {} s: {}", LEASE.toSeconds(), e.toString());
        }
    }
}
