package io.heliograph.delivery;

import io.heliograph.destination.Destination;
import io.heliograph.store.GroupCommitter;
import io.heliograph.webhook.WebhookStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;

/**
 * Writes finished attempts, many per transaction (group commit), with what they say of each webhook's
 * health: a success makes it healthy, a 410 disables it, five days of failures without a success
 * disable it. An attempt whose node no longer holds the lease is not written (see
 * {@link DeliveryStore#recordAttempts}).
 */
final class AttemptRecorder implements AutoCloseable {
    static final int MAX_BATCH = 256;
    static final Duration DISABLE_AFTER = Duration.ofDays(5);
    static final String FAILING_REASON = "No successful delivery for 5 days";
    static final String GONE_REASON = "Destination answered 410 Gone";

    /**
     * What this recorder last learnt of a webhook's health, and when: since when it has been failing
     * (null: healthy). Within {@link #KNOWN_FOR_NANOS} the same news is not written again — a failing
     * webhook is not marked failing at every batch — unless it could now be disabled. Forgotten when a
     * webhook changes through this process (enabling it again starts its failing clock afresh);
     * another node's news is seen when the memory runs out.
     */
    private record Known(Long failingSince, long atNanos) {
    }

    static final long KNOWN_FOR_NANOS = 30_000_000_000L;

    private final GroupCommitter<DeliveryStore.Recorded, Boolean> committer;
    /** Only the recorder's own thread reads and writes these. */
    private final Map<String, Known> known = new HashMap<>();
    private long generation;

    AttemptRecorder(DeliveryStore deliveries, WebhookStore webhooks, String node) {
        this.generation = webhooks.generation();
        this.committer = new GroupCommitter<>("delivery-recorder", 1, MAX_BATCH, batch -> {
            if (webhooks.generation() != generation) {
                generation = webhooks.generation();
                known.clear();
            }
            Map<String, Known> learnt = new HashMap<>();
            boolean[] disabled = new boolean[1];
            List<Boolean> counted = deliveries.recordAttempts(node, batch, (h, kept) -> disabled[0] = applyHealth(h, kept, learnt));
            known.putAll(learnt); // only once the transaction committed
            if (known.size() > 100_000) {
                known.clear();
            }
            if (disabled[0]) {
                webhooks.changed(); // copies of it held in this process are stale
            }
            return counted;
        });
    }

    /** Queues the attempt; the future answers whether it counted (false: another node had taken the lease). */
    CompletableFuture<Boolean> record(DeliveryStore.Recorded record) {
        return committer.submit(record);
    }

    /**
     * Webhook health from the attempts, news already known left unwritten. Answers whether it disabled a
     * webhook. Webhooks are written in one order (organization, then id), whatever the order of the
     * attempts: two nodes' recorders, each locking several webhooks' rows, then never wait for each other
     * in a circle.
     */
    private boolean applyHealth(Handle h, List<DeliveryStore.Recorded> attempts, Map<String, Known> learnt) {
        boolean disabled = false;
        long now = System.nanoTime();
        List<DeliveryStore.Recorded> batch = new java.util.ArrayList<>(attempts);
        // Stable: a webhook's attempts keep their order, so its last news is the one that stands.
        batch.sort(java.util.Comparator.comparing((DeliveryStore.Recorded r) -> r.claimed().orgId())
                .thenComparing(r -> r.claimed().webhookId()));
        for (DeliveryStore.Recorded r : batch) {
            DeliveryStore.Health health = r.health();
            if (health == DeliveryStore.Health.NONE) {
                continue;
            }
            String org = r.claimed().orgId();
            String id = r.claimed().webhookId();
            String key = org + '\n' + id;
            long at = r.attempt().attemptedAt();
            Known k = learnt.containsKey(key) ? learnt.get(key) : known.get(key);
            boolean fresh = k != null && now - k.atNanos() < KNOWN_FOR_NANOS;
            switch (health) {
                case HEALTHY -> {
                    if (!fresh || k.failingSince() != null) {
                        WebhookStore.markHealthy(h, org, id);
                        learnt.put(key, new Known(null, now));
                    }
                }
                case FAILING -> {
                    if (!fresh || k.failingSince() == null || at - k.failingSince() >= DISABLE_AFTER.toMillis()) {
                        WebhookStore.Failing f = WebhookStore.markFailing(h, org, id, at, DISABLE_AFTER.toMillis(), FAILING_REASON);
                        disabled |= f.disabled();
                        learnt.put(key, new Known(f.since(), now));
                    }
                }
                case GONE -> disabled |= WebhookStore.disable(h, org, id, GONE_REASON, at);
                default -> { }
            }
        }
        return disabled;
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        committer.close();
    }
}
