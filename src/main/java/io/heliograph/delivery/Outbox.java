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
 * moment leaves either both or neither. After the commit it wakes the dispatcher, so a new delivery
 * goes out at once instead of on the next poll.
 */
public final class Outbox implements IngestService.NewLogHook {
    private final DeliveryStore deliveries;
    private final Clock clock;
    private final Runnable wake;
    /** Whether the transaction this committer thread just ran created deliveries (so the dispatcher has work). */
    private final ThreadLocal<Boolean> created = ThreadLocal.withInitial(() -> false);

    public Outbox(DeliveryStore deliveries, Clock clock, Runnable wake) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.wake = wake;
    }

    @Override
    public void onNewLogs(Handle transaction, List<RequestLog> logs) {
        long now = clock.millis();
        // Read in the logs' transaction, once per org per batch: a webhook created before the commit sees these logs.
        Map<String, List<Webhook>> enabled = new HashMap<>();
        List<DeliveryStore.New> rows = new ArrayList<>();
        for (RequestLog log : logs) {
            for (Webhook webhook : enabled.computeIfAbsent(log.orgId(), org -> WebhookStore.enabled(transaction, org))) {
                if (Matching.matches(webhook, log)) {
                    rows.add(new DeliveryStore.New(Delivery.newId(now), log.orgId(), webhook.id(), log.id()));
                }
            }
        }
        deliveries.insertAll(transaction, rows, now);
        created.set(!rows.isEmpty());
    }

    @Override
    public void afterCommit(List<RequestLog> logs) {
        if (created.get()) {
            created.set(false);
            wake.run();
        }
    }
}
