package io.heliograph.delivery;

import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.RequestLog;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Writes a delivery for every matching webhook in the same transaction as the log: a crash at any
 * moment leaves either both or neither. Where the dispatcher has room, the delivery is leased to it in
 * that same write and handed over with its webhook and log once the transaction commits, so the first
 * attempt starts at once with nothing read back; the rest wait in the store, and the dispatcher is
 * told to claim them.
 */
public final class Outbox implements IngestService.NewLogHook {
    /** What this committer thread's open transaction reserved and left in the store, until it ends. */
    private record Pending(List<Dispatcher.Handoff> handoffs, List<DeliveryStore.Due> backlogged) {
    }

    private final DeliveryStore deliveries;
    private final WebhookStore webhooks;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final ThreadLocal<Pending> pending = new ThreadLocal<>();

    public Outbox(DeliveryStore deliveries, WebhookStore webhooks, Dispatcher dispatcher, Clock clock) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void onNewLogs(Handle transaction, List<RequestLog> logs, long loggedAt) {
        afterRollback(); // nothing should be left over; if something is, its transaction did not commit
        long now = clock.millis();
        // Taken before the read: a change committed after it makes the dispatcher read the webhook again.
        long generation = webhooks.generation();
        // Read in the logs' transaction, once per org per batch: a webhook created before the commit sees these logs.
        Map<String, List<Webhook>> enabled = new HashMap<>();
        List<DeliveryStore.New> rows = new ArrayList<>();
        Pending mine = new Pending(new ArrayList<>(), new ArrayList<>());
        pending.set(mine);
        for (RequestLog log : logs) {
            for (Webhook webhook : enabled.computeIfAbsent(log.orgId(), org -> WebhookStore.enabled(transaction, org))) {
                if (!Matching.matches(webhook, log)) {
                    continue;
                }
                String id = Delivery.newId(now);
                if (dispatcher.reserve(webhook)) {
                    rows.add(new DeliveryStore.New(id, log.orgId(), webhook.id(), log.id(), loggedAt, dispatcher.node()));
                    mine.handoffs().add(new Dispatcher.Handoff(new DeliveryStore.Claimed(id, log.orgId(), webhook.id(), log.id(), 0,
                            now, now + Dispatcher.LEASE.toMillis()), webhook, generation, log));
                } else {
                    rows.add(new DeliveryStore.New(id, log.orgId(), webhook.id(), log.id(), loggedAt, null));
                    mine.backlogged().add(new DeliveryStore.Due(log.orgId(), webhook.id()));
                }
            }
        }
        deliveries.insertAll(transaction, rows, now, Dispatcher.LEASE.toMillis());
    }

    @Override
    public void afterCommit(List<RequestLog> logs) {
        Pending mine = pending.get();
        pending.remove();
        if (mine == null) {
            return;
        }
        mine.handoffs().forEach(dispatcher::handOff);
        if (!mine.backlogged().isEmpty()) {
            logs.forEach(dispatcher::remember); // their deliveries left in the store are claimed soon
        }
        mine.backlogged().stream().distinct().forEach(d -> dispatcher.backlogged(d.orgId(), d.webhookId()));
    }

    @Override
    public void afterRollback() {
        Pending mine = pending.get();
        pending.remove();
        if (mine != null) {
            mine.handoffs().forEach(h -> dispatcher.unreserve(h.claimed().orgId(), h.claimed().webhookId()));
        }
    }
}
