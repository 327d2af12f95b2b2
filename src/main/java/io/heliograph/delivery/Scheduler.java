package io.heliograph.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who goes next: the node's delivery capacity shared fairly among organizations, then among each
 * organization's webhooks, then among each destination origin's users. Not thread-safe: the
 * dispatcher calls it under one lock; every operation is O(1) but {@link #next()}, which is O(number
 * of organizations with work) at worst. Pure: no I/O, no clock but the one it is given.
 *
 * <p>The rules, in the order they bind:
 * <ol>
 * <li><b>Round robin over organizations</b>, then over each organization's webhooks: every
 * organization with a delivery ready gets one started before any gets a second (a deficit round
 * robin where every delivery costs one). Within an organization, webhooks with nothing in flight go
 * first, so a quiet, healthy webhook never queues behind its organization's busy ones.
 * <li><b>Per webhook</b>, at most its {@link ConcurrencyLimit} in flight (learnt from its receiver:
 * one, probing, for a receiver that keeps failing — and, when its probes time out, a
 * pause after each, doubling from {@link #FIRST_PROBE_PAUSE_NANOS} up to {@link #MAX_PROBE_PAUSE_NANOS}), and held in
 * memory (queued plus in flight) at most what it sends in about {@link #HOLD_HORIZON_NANOS a second} —
 * never less than four times what it may have in flight, never more than {@link #MAX_HOLD} beyond that;
 * twice while it fails, only the probe while it probes: the rest waits in the store.
 * <li><b>Per origin</b> (scheme, host, port), at most {@code perOrigin} in flight across every webhook
 * and organization; webhooks waiting for the origin get its freed slots in round robin, organization
 * by organization.
 * <li><b>Per organization</b>, at most {@code nodeInFlight / (organizations with work + 1)} in flight
 * and the same share of what the node holds — so one organization never fills the node, and a
 * newcomer always finds room — except that a webhook with nothing in flight (or held) may always
 * start (or take) one, so an organization's own quiet webhook is not held back by its busy ones.
 * <li><b>Per node</b>, at most {@code nodeInFlight} in flight and {@code nodeHeld} held, whatever else.
 * </ol>
 *
 * <p>The per-origin cap and a webhook's maximum concurrency are for the whole cluster: with N server
 * processes sharing one PostgreSQL, each node takes its share, the cap divided by N rounded up
 * ({@link #shareAmong}), so adding nodes does not multiply the load on a receiver.
 *
 * @param <J> a delivery ready to go (what the dispatcher runs)
 */
final class Scheduler<J> {
    static final long FIRST_PROBE_PAUSE_NANOS = 1_000_000_000L;
    static final long MAX_PROBE_PAUSE_NANOS = 30_000_000_000L;
    /**
     * A healthy webhook holds in memory what it sends in about this long (its slots times this over
     * how long one attempt holds a slot), so that under load its new deliveries wait their turn in
     * memory, handed over with their log, rather than overflow into the store and be claimed back
     * from it — a second write and read per delivery on a node that is already short of CPU.
     */
    static final long HOLD_HORIZON_NANOS = 1_000_000_000L;
    /** The most a webhook holds by that rule (four times what it may have in flight binds if higher). */
    static final int MAX_HOLD = 1024;
    /**
     * What a healthy webhook already holds is kept while it can all be sent in this long; only the
     * rest goes back to the store when its attempts slow down. Far longer than the horizon it takes
     * new ones in (and far shorter than what a lease leaves for waiting), so that a moment of slow
     * attempts on a busy node does not push hundreds of deliveries into the store, to be written
     * again and claimed back while the node is shortest of CPU.
     */
    static final long KEEP_HORIZON_NANOS = 10_000_000_000L;
    /** How much of a new attempt's time enters a webhook's average: 1/8, as TCP's smoothed round trip. */
    private static final int SLOT_TIME_WEIGHT = 8;

    /** The limits; {@code perWebhook} is the most a webhook's learnt limit may reach. */
    record Capacity(int nodeInFlight, int nodeHeld, int perOrigin, int perWebhook) {
        Capacity {
            if (nodeInFlight < 1 || nodeHeld < nodeInFlight || perOrigin < 1 || perWebhook < 1) {
                throw new IllegalArgumentException("Invalid capacity " + nodeInFlight + "/" + nodeHeld + "/" + perOrigin + "/" + perWebhook);
            }
        }
    }

    /** A job that was started: give it back to {@link #ended} with its outcome. */
    record Started<J>(Lane<J> lane, J job, Origin<J> origin, long number) {
    }

    static final class Org<J> {
        final String id;
        /** Ready webhooks with nothing in flight: served before {@link #busy}. */
        final LinkedHashSet<Lane<J>> fresh = new LinkedHashSet<>();
        final LinkedHashSet<Lane<J>> busy = new LinkedHashSet<>();
        int inFlight;
        int held;
        int lanes;

        Org(String id) {
            this.id = id;
        }

        boolean hasReady() {
            return !fresh.isEmpty() || !busy.isEmpty();
        }
    }

    static final class Origin<J> {
        final String key;
        int inFlight;
        int lanes;
        /** Webhooks waiting for a slot of this origin, by organization, served round robin. */
        final LinkedHashSet<Org<J>> waitingOrgs = new LinkedHashSet<>();
        final Map<Org<J>, ArrayDeque<Lane<J>>> waiting = new HashMap<>();

        Origin(String key) {
            this.key = key;
        }
    }

    /** One webhook's deliveries on this node. */
    static final class Lane<J> {
        final Org<J> org;
        final String webhookId;
        final ConcurrencyLimit limit;
        Origin<J> origin;
        final ArrayDeque<J> queue = new ArrayDeque<>();
        int inFlight;
        /** Queued, in flight, or promised (reserved for a delivery about to be handed over or claimed). */
        int held;
        /** The store has due deliveries of this webhook that this node did not take. */
        boolean storeBacklog;
        /** Which of its organization's rings it is in: null, fresh or busy. */
        LinkedHashSet<Lane<J>> ring;
        boolean parked;
        long idleSince;
        /** A probing webhook whose probe failed starts nothing before this (nanoTime); 0: no pause. */
        long restsUntil;
        /** Probes in a row that timed out: how long the next pause is. */
        int timedOutProbes;
        /** When a retry this node scheduled comes due (epoch ms; MAX_VALUE: none known): then the store has work for it. */
        long retryDueAt = Long.MAX_VALUE;
        /** How long an attempt holds one of its slots, smoothed (nanoseconds; 0: none measured yet). */
        long slotNanos;

        Lane(Org<J> org, String webhookId, Origin<J> origin, int max, long now) {
            this.org = org;
            this.webhookId = webhookId;
            this.origin = origin;
            this.limit = new ConcurrencyLimit(max);
            this.idleSince = now;
        }

        /**
         * The most it may hold, in flight and queued: what it sends in about {@link #HOLD_HORIZON_NANOS}
         * — what it can have in flight (its own limit, or its share of its origin's slots when many
         * webhooks share that origin) times as many attempts as fit in that time one after another —
         * so that the next ones are ready as soon as a place frees and a burst rides out a slow moment
         * in memory. At least four times what it can have in flight (all it holds until its first
         * attempt is timed), at most {@link #MAX_HOLD} unless that floor is higher; twice what it can
         * have in flight while its receiver is failing, and only its probe while probing. Nothing
         * waits in memory that cannot be sent soon.
         */
        int holdLimit(int perOrigin) {
            if (limit.probing()) {
                return 1;
            }
            int canSend = canSend(perOrigin);
            if (limit.failing()) {
                return 2 * canSend;
            }
            int floor = 4 * canSend;
            return slotNanos <= 0 ? floor : (int) Math.max(floor, Math.min(sendsWithin(HOLD_HORIZON_NANOS, canSend), MAX_HOLD));
        }

        /**
         * The most it keeps of what it already holds when an attempt ends: what it can send in
         * {@link #KEEP_HORIZON_NANOS} while healthy (never less than {@link #holdLimit}); while failing
         * or probing, no more than it may hold.
         */
        int keepLimit(int perOrigin) {
            int hold = holdLimit(perOrigin);
            if (limit.failing() || slotNanos <= 0) {
                return hold;
            }
            return (int) Math.min(Integer.MAX_VALUE, Math.max(hold, sendsWithin(KEEP_HORIZON_NANOS, canSend(perOrigin))));
        }

        /** What it can have in flight: its own limit, or its share of its origin's slots when many webhooks share that origin. */
        private int canSend(int perOrigin) {
            int originShare = Math.max(1, perOrigin / Math.max(1, origin.lanes));
            return Math.min(limit.limit(), originShare);
        }

        /** What it sends in {@code horizonNanos} with {@code canSend} slots busy all along, at its smoothed pace. */
        private long sendsWithin(long horizonNanos, int canSend) {
            return (long) canSend * Math.max(1, horizonNanos / slotNanos);
        }

        /** One attempt held a slot this long: the average moves an eighth of the way towards it. */
        void slotTook(long nanos) {
            long took = Math.max(1, nanos);
            slotNanos = slotNanos <= 0 ? took : slotNanos + (took - slotNanos) / SLOT_TIME_WEIGHT;
        }

        boolean resting() {
            return restsUntil != 0;
        }

        boolean idle() {
            return held == 0 && inFlight == 0 && queue.isEmpty() && !storeBacklog && retryDueAt == Long.MAX_VALUE;
        }
    }

    private final Capacity capacity;
    /** This node's share of the cluster-wide per-origin cap and per-webhook maximum. */
    private int perOrigin;
    private int perWebhook;
    private final Map<String, Org<J>> orgs = new HashMap<>();
    private final Map<String, Lane<J>> lanes = new HashMap<>();
    private final Map<String, Origin<J>> origins = new HashMap<>();
    /** Organizations with a ready webhook, in turn order. */
    private final LinkedHashSet<Org<J>> ring = new LinkedHashSet<>();
    /** Probing webhooks pausing after a failed probe. */
    private final LinkedHashSet<Lane<J>> resting = new LinkedHashSet<>();
    private int inFlight;
    private int held;
    private int queued;
    /** Organizations holding anything: what a fair share is a share of. */
    private int activeOrgs;

    Scheduler(Capacity capacity) {
        this.capacity = capacity;
        this.perOrigin = capacity.perOrigin();
        this.perWebhook = capacity.perWebhook();
    }

    /** {@code nodes} server processes share the store now: this one takes its share of the cluster-wide caps. */
    void shareAmong(int nodes) {
        int n = Math.max(1, nodes);
        int newPerOrigin = (capacity.perOrigin() + n - 1) / n;
        int newPerWebhook = (capacity.perWebhook() + n - 1) / n;
        if (newPerOrigin == perOrigin && newPerWebhook == perWebhook) {
            return;
        }
        perOrigin = newPerOrigin;
        perWebhook = newPerWebhook;
        for (Lane<J> lane : lanes.values()) {
            lane.limit.resize(perWebhook);
            place(lane);
        }
    }

    /** This node's share of the per-origin cap. */
    int perOrigin() {
        return perOrigin;
    }

    Capacity capacity() {
        return capacity;
    }

    /** The webhook's lane, made on first use; a lane with nothing in flight follows a change of destination origin. */
    Lane<J> lane(String orgId, String webhookId, String originKey, long now) {
        Lane<J> lane = lanes.get(key(orgId, webhookId));
        if (lane == null) {
            Org<J> org = orgs.computeIfAbsent(orgId, Org::new);
            Origin<J> origin = origin(originKey);
            lane = new Lane<>(org, webhookId, origin, perWebhook, now);
            org.lanes++;
            origin.lanes++;
            lanes.put(key(orgId, webhookId), lane);
        } else if (!lane.origin.key.equals(originKey) && lane.inFlight == 0 && !lane.parked) {
            dropOrigin(lane.origin);
            lane.origin = origin(originKey);
            lane.origin.lanes++;
        }
        return lane;
    }

    /** The lane, if this node has one for the webhook. */
    Lane<J> existing(String orgId, String webhookId) {
        return lanes.get(key(orgId, webhookId));
    }

    private static String key(String orgId, String webhookId) {
        return orgId + '\n' + webhookId;
    }

    private Origin<J> origin(String key) {
        return origins.computeIfAbsent(key, Origin::new);
    }

    private int orgShare(int total) {
        return Math.max(1, total / (activeOrgs + 1));
    }

    /** How many more deliveries the lane may take into memory now (from the outbox or a claim). */
    int room(Lane<J> lane) {
        int nodeRoom = capacity.nodeHeld() - held;
        if (nodeRoom <= 0 || lane.resting()) {
            return 0;
        }
        int laneRoom = lane.holdLimit(perOrigin) - lane.held;
        int orgRoom = orgShare(capacity.nodeHeld()) - lane.org.held;
        int room = Math.min(laneRoom, Math.min(orgRoom, nodeRoom));
        // A webhook holding nothing may always take one: its organization's other webhooks cannot crowd it out.
        return lane.held == 0 ? Math.max(room, 1) : Math.max(room, 0);
    }

    /** Promises {@code n} places of the lane (checked with {@link #room} first). */
    void hold(Lane<J> lane, int n) {
        if (n <= 0) {
            return;
        }
        if (lane.org.held == 0) {
            activeOrgs++;
        }
        lane.held += n;
        lane.org.held += n;
        held += n;
    }

    /** Gives back {@code n} promised places that were not used (a rolled-back log, a short claim). */
    void unhold(Lane<J> lane, int n, long now) {
        if (n <= 0) {
            return;
        }
        lane.held -= n;
        lane.org.held -= n;
        held -= n;
        if (lane.org.held == 0) {
            activeOrgs--;
        }
        if (lane.held == 0 && lane.inFlight == 0) {
            lane.idleSince = now;
        }
    }

    /** A delivery held for the lane is ready to start. */
    void enqueue(Lane<J> lane, J job) {
        lane.queue.addLast(job);
        queued++;
        place(lane);
    }

    /** Takes back every queued (not started) delivery of the lane, and its places: the caller returns them to the store. */
    List<J> drain(Lane<J> lane, long now) {
        List<J> jobs = new ArrayList<>(lane.queue);
        lane.queue.clear();
        queued -= jobs.size();
        unhold(lane, jobs.size(), now);
        place(lane);
        return jobs;
    }

    /** The next delivery to start, or null when none may start now. */
    Started<J> next() {
        if (inFlight >= capacity.nodeInFlight()) {
            return null;
        }
        int orgCap = orgShare(capacity.nodeInFlight());
        for (int turns = ring.size(); turns > 0; turns--) {
            Org<J> org = ring.removeFirst();
            Started<J> started = startOne(org, org.inFlight < orgCap);
            if (org.hasReady()) {
                ring.addLast(org);
            }
            if (started != null) {
                return started;
            }
        }
        return null;
    }

    /** Starts the organization's next webhook in turn: a fresh one, or when under its share, a busy one too. */
    private Started<J> startOne(Org<J> org, boolean underShare) {
        Started<J> started = startFrom(org.fresh);
        if (started == null && underShare) {
            started = startFrom(org.busy);
        }
        return started;
    }

    private Started<J> startFrom(LinkedHashSet<Lane<J>> lanesInTurn) {
        while (!lanesInTurn.isEmpty()) {
            Lane<J> lane = lanesInTurn.removeFirst();
            lane.ring = null;
            if (lane.origin.inFlight >= perOrigin) {
                park(lane);
                continue;
            }
            J job = lane.queue.removeFirst();
            queued--;
            lane.inFlight++;
            lane.org.inFlight++;
            lane.origin.inFlight++;
            inFlight++;
            Started<J> started = new Started<>(lane, job, lane.origin, lane.limit.started());
            place(lane);
            return started;
        }
        return null;
    }

    /**
     * A started delivery ended (its exchange is over): frees its places and learns from its outcome.
     * When that lowered what the webhook may keep ({@link Lane#keepLimit}), the queued deliveries
     * beyond it are taken back and answered, for the caller to return to the store: a receiver that
     * stopped answering, or answers slowly, keeps nothing waiting in memory that cannot be sent soon.
     */
    List<J> ended(Started<J> started, ConcurrencyLimit.Signal signal, long now) {
        return ended(started, signal, now, -1);
    }

    /**
     * As {@link #ended(Started, ConcurrencyLimit.Signal, long)}, for an attempt that held its slot
     * {@code tookNanos} (negative: no attempt was made, which says nothing of the time one takes).
     */
    List<J> ended(Started<J> started, ConcurrencyLimit.Signal signal, long now, long tookNanos) {
        Lane<J> lane = started.lane();
        if (tookNanos >= 0) {
            lane.slotTook(tookNanos);
        }
        int before = lane.inFlight;
        lane.inFlight--;
        lane.org.inFlight--;
        started.origin().inFlight--;
        inFlight--;
        lane.limit.ended(started.number(), signal, before);
        if (signal == ConcurrencyLimit.Signal.TIMED_OUT && lane.limit.probing()) {
            // A probe that timed out held a connection for nothing: pause before the next, 1 s,
            // 2 s, 4 s … at most 30 s, each spread by the webhook. A receiver that answers, even
            // 5xx, or refuses or resets at once, costs no slot for long: it is probed one at a time
            // without pauses, each delivery's own retry schedule spacing its attempts.
            long pause = probePause(lane.webhookId, lane.timedOutProbes);
            lane.timedOutProbes++;
            lane.restsUntil = Math.max(1, now + pause);
            resting.add(lane);
        } else if (signal == ConcurrencyLimit.Signal.SUCCESS || signal == ConcurrencyLimit.Signal.OVERLOAD) {
            lane.timedOutProbes = 0; // an answer ends the pauses; a quick refusal or reset is none
        }
        unhold(lane, 1, now);
        List<J> excess = List.of();
        int over = lane.held - lane.keepLimit(perOrigin);
        if (over > 0 && !lane.queue.isEmpty()) {
            excess = new ArrayList<>();
            while (over-- > 0 && !lane.queue.isEmpty()) {
                excess.add(lane.queue.removeLast());
            }
            queued -= excess.size();
            unhold(lane, excess.size(), now);
            lane.storeBacklog = true;
        }
        unparkOne(started.origin());
        place(lane);
        return excess;
    }

    /**
     * The pause after a webhook's {@code timedOutBefore + 1}-th timed-out probe in a row: 1 s, 2 s, 4 s …
     * 30 s, each spread over ±25 % by the webhook and the count — so the webhooks of a host that went
     * down together (they time out together) do not all probe again in the same instant, wave after
     * wave. Deterministic: the scheduler stays pure.
     */
    static long probePause(String webhookId, int timedOutBefore) {
        long base = Math.min(MAX_PROBE_PAUSE_NANOS, FIRST_PROBE_PAUSE_NANOS << Math.min(timedOutBefore, 5));
        long mixed = (webhookId.hashCode() * 0x9E3779B97F4A7C15L) ^ (timedOutBefore * 0xC2B2AE3D27D4EB4FL);
        mixed ^= mixed >>> 29;
        mixed *= 0xBF58476D1CE4E5B9L;
        mixed ^= mixed >>> 32;
        double spread = (mixed >>> 11) * 0x1.0p-53; // [0, 1)
        return base - base / 4 + (long) (base / 2 * spread);
    }

    /** Puts the lane in the ring its state calls for: fresh, busy, or none (nothing to start, or at its limit). */
    private void place(Lane<J> lane) {
        if (lane.parked) {
            return;
        }
        if (lane.resting()) {
            if (lane.ring != null) {
                lane.ring.remove(lane);
                lane.ring = null;
            }
            return;
        }
        LinkedHashSet<Lane<J>> want = lane.queue.isEmpty() || lane.inFlight >= lane.limit.limit() ? null
                : lane.inFlight == 0 ? lane.org.fresh : lane.org.busy;
        if (lane.ring == want) {
            return;
        }
        if (lane.ring != null) {
            lane.ring.remove(lane);
        }
        lane.ring = want;
        if (want != null) {
            want.addLast(lane);
            ring.add(lane.org);
        }
    }

    private void park(Lane<J> lane) {
        lane.parked = true;
        Origin<J> origin = lane.origin;
        origin.waiting.computeIfAbsent(lane.org, o -> new ArrayDeque<>()).addLast(lane);
        origin.waitingOrgs.add(lane.org);
    }

    /**
     * A slot of the origin freed: the next waiting webhook, organization by organization, may take it.
     * Webhooks that meanwhile have nothing left to start are let go too, so the slot is not kept for one
     * that cannot use it.
     */
    private void unparkOne(Origin<J> origin) {
        while (!origin.waitingOrgs.isEmpty()) {
            Org<J> org = origin.waitingOrgs.removeFirst();
            ArrayDeque<Lane<J>> waiting = origin.waiting.get(org);
            Lane<J> lane = waiting.removeFirst();
            if (waiting.isEmpty()) {
                origin.waiting.remove(org);
            } else {
                origin.waitingOrgs.addLast(org);
            }
            lane.parked = false;
            place(lane);
            if (lane.ring != null) {
                return;
            }
        }
    }

    /** Ends the pauses that are over by {@code now} (nanoTime); answers how many webhooks may probe again. */
    int wake(long now) {
        int woken = 0;
        for (var it = resting.iterator(); it.hasNext(); ) {
            Lane<J> lane = it.next();
            if (lane.restsUntil - now <= 0) {
                it.remove();
                lane.restsUntil = 0;
                place(lane);
                woken++;
            }
        }
        return woken;
    }

    /** Forgets lanes (and organizations, origins) idle since before {@code idleBefore}. */
    int prune(long idleBefore) {
        int removed = 0;
        for (Iterator<Lane<J>> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane<J> lane = it.next();
            if (lane.idle() && !lane.parked && !lane.resting() && lane.idleSince < idleBefore) {
                it.remove();
                removed++;
                if (--lane.org.lanes == 0 && lane.org.held == 0 && lane.org.inFlight == 0) {
                    orgs.remove(lane.org.id);
                    ring.remove(lane.org);
                }
                dropOrigin(lane.origin);
            }
        }
        return removed;
    }

    private void dropOrigin(Origin<J> origin) {
        if (--origin.lanes == 0 && origin.inFlight == 0) {
            origins.remove(origin.key);
        }
    }

    /** Deliveries started and not yet ended. */
    int inFlight() {
        return inFlight;
    }

    /** Deliveries in memory waiting to start. */
    int queued() {
        return queued;
    }

    int held() {
        return held;
    }

    int lanes() {
        return lanes.size();
    }

    int origins() {
        return origins.size();
    }

    /** Webhooks whose receiver keeps failing, down to one probing delivery. O(lanes): for metrics only. */
    int probing() {
        int n = 0;
        for (Lane<J> lane : lanes.values()) {
            if (lane.limit.probing()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Lanes whose store has work for them: those known to have a backlog, and those whose retry came
     * due by {@code nowMillis} (which are marked as backlogged from now on).
     */
    List<Lane<J>> backlogged(long nowMillis) {
        List<Lane<J>> out = new ArrayList<>();
        for (Lane<J> lane : lanes.values()) {
            if (lane.retryDueAt <= nowMillis) {
                lane.retryDueAt = Long.MAX_VALUE;
                lane.storeBacklog = true;
            }
            if (lane.storeBacklog) {
                out.add(lane);
            }
        }
        return out;
    }
}
