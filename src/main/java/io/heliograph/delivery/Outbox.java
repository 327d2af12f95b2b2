package io.heliograph.delivery;

import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.RequestLog;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookStore;
import java.time.Clock;
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

    public Outbox(DeliveryStore deliveries, Clock clock, Runnable wake) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.wake = wake;
    }

    @Override
    public void onNewLog(Handle transaction, RequestLog log) {
        long now = clock.millis();
        for (Webhook webhook : WebhookStore.enabled(transaction, log.orgId())) {
            if (Matching.matches(webhook, log)) {
                deliveries.insert(transaction, Delivery.newId(now), log.orgId(), webhook.id(), log.id(), now);
            }
        }
    }

    @Override
    public void afterCommit() {
        wake.run();
    }
}
