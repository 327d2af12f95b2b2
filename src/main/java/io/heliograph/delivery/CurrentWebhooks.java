package io.heliograph.delivery;

import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Webhooks as they are now, for the dispatcher, without a read per attempt: each is read once, then
 * kept current by one query a second for whatever any node changed or deleted since the last one
 * ({@link #refresh}). A change made through this process is seen at once (the store's generation
 * moves on every change it commits, which empties the copies); one made through another node within
 * about a second. Copies not used for a minute are forgotten.
 */
final class CurrentWebhooks {
    /** Read again from a little before the last poll: other nodes' clocks may lag this one's. */
    static final long OVERLAP_MILLIS = 5_000;
    static final long FORGET_NANOS = 60_000_000_000L;

    private record Cached(Optional<Webhook> webhook, long usedAt) {
    }

    private final WebhookStore store;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile long generation;
    private long polledAt = Long.MIN_VALUE;

    CurrentWebhooks(WebhookStore store) {
        this.store = store;
        this.generation = store.generation();
    }

    private static String key(String orgId, String webhookId) {
        return orgId + '\n' + webhookId;
    }

    /** The webhook now; empty when it was deleted (or never was). */
    Optional<Webhook> get(String orgId, String webhookId) {
        forgetIfChangedHere();
        String key = key(orgId, webhookId);
        Cached cached = cache.get(key);
        long now = System.nanoTime();
        if (cached != null) {
            if (now - cached.usedAt() > FORGET_NANOS / 2) {
                cache.put(key, new Cached(cached.webhook(), now));
            }
            return cached.webhook();
        }
        Optional<Webhook> found = store.find(orgId, webhookId);
        cache.put(key, new Cached(found, now));
        return found;
    }

    /** A copy read in a transaction that began when the store's generation was {@code readAtGeneration}. */
    void offer(Webhook webhook, long readAtGeneration) {
        if (readAtGeneration == store.generation()) {
            cache.putIfAbsent(key(webhook.orgId(), webhook.id()), new Cached(Optional.of(webhook), System.nanoTime()));
        }
    }

    private void forgetIfChangedHere() {
        long now = store.generation();
        if (now != generation) {
            generation = now;
            cache.clear();
        }
    }

    /** Takes in what any node changed since the last call (the claimer calls it about once a second). */
    void refresh(long nowMillis) {
        forgetIfChangedHere();
        long since = polledAt == Long.MIN_VALUE ? nowMillis - OVERLAP_MILLIS : polledAt - OVERLAP_MILLIS;
        polledAt = nowMillis;
        for (WebhookStore.Change change : store.changedSince(since)) {
            String key = key(change.orgId(), change.id());
            Cached cached = cache.get(key);
            if (cached != null) {
                cache.put(key, new Cached(change.webhook(), cached.usedAt()));
            }
        }
    }

    /** Forgets copies not used for a minute. */
    void prune() {
        long now = System.nanoTime();
        cache.values().removeIf(c -> now - c.usedAt() > FORGET_NANOS);
    }

    int size() {
        return cache.size();
    }
}
