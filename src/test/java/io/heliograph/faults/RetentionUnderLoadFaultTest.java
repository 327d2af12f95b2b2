package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.ops.Retention;
import io.heliograph.store.Database;
import io.heliograph.store.Dialect;
import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 200,000 logs and 200,000 deliveries (with their attempts) past retention, purged while logs keep
 * arriving at 50/s and being delivered: delivery latency during the purge is compared with the
 * same load just before it. The purge works in small batches with pauses, so it must not stall
 * the writers (on SQLite there is only one at a time).
 */
@Tag("fault")
class RetentionUnderLoadFaultTest {
    private static final int OLD_ROWS = 200_000;
    private static final int RATE = 50;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void purgingAHugeBacklogLeavesDeliveryLatencyAlone(StoreKind kind) throws Exception {
        try (TestServer server = TestServer.builder(kind).loopbackReceivers().start(); Receiver receiver = new Receiver()) {
            Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
            receiver.answering(r -> {
                arrivedAt.put(r.requestId(), System.currentTimeMillis());
                return Receiver.status(200);
            });
            server.heliograph().retention().stopSchedule(); // this test decides when the purge runs
            Api api = server.api();
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            Database db = server.heliograph().database();
            long old = System.currentTimeMillis() - Duration.ofDays(60).toMillis();
            long fillStart = System.nanoTime();
            fill(db, webhookId, old);
            long fillMs = (System.nanoTime() - fillStart) / 1_000_000;

            Map<String, Long> loggedAt = new ConcurrentHashMap<>();
            List<Long> baseline = steadyLoad(api, loggedAt, arrivedAt, () -> false, 10_000);

            long purgeStart = System.nanoTime();
            CompletableFuture<Retention.Swept> purge = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.heliograph().retention().sweep();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Long> during = steadyLoad(api, loggedAt, arrivedAt, purge::isDone, 600_000);
            Retention.Swept swept = purge.get();
            long purgeMs = (System.nanoTime() - purgeStart) / 1_000_000;

            await().atMost(Duration.ofSeconds(30)).until(() -> arrivedAt.keySet().containsAll(loggedAt.keySet()));
            long oldLogsLeft = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM request_logs WHERE logged_at < :t")
                    .bind("t", old + 1).mapTo(Long.class).one());
            long oldDeliveriesLeft = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM deliveries WHERE created_at < :t")
                    .bind("t", old + 1).mapTo(Long.class).one());
            long lost = loggedAt.keySet().stream().filter(id -> !arrivedAt.containsKey(id)).count();
            FaultReport.record("retention purges 200,000 old logs + 200,000 deliveries under 50 logs/s", kind,
                    loggedAt.size(), loggedAt.size(), loggedAt.size() - lost, 0, lost,
                    String.format("filled in %d ms; purge took %d ms; delivery latency before p50 %d / p99 %d / max %d ms, "
                            + "during p50 %d / p99 %d / max %d ms", fillMs, purgeMs, pct(baseline, 50), pct(baseline, 99),
                            pct(baseline, 100), pct(during, 50), pct(during, 99), pct(during, 100)));
            assertThat(swept.logs()).isEqualTo(OLD_ROWS);
            assertThat(swept.deliveries()).isEqualTo(OLD_ROWS);
            assertThat(oldLogsLeft).isZero();
            assertThat(oldDeliveriesLeft).isZero();
            assertThat(lost).isZero();
            assertThat(during).as("the load ran while the purge did").hasSizeGreaterThan(RATE);
            // Generous on purpose (this machine also runs the test itself): a purge that held the writer
            // for whole seconds would blow through it.
            assertThat(pct(during, 99)).isLessThan(Math.max(1_000, 4 * pct(baseline, 99)));
        }
    }

    /** Logs at RATE/s until {@code stop} says so (or maxMillis), returning log-to-arrival latencies. */
    private static List<Long> steadyLoad(Api api, Map<String, Long> loggedAt, Map<String, Long> arrivedAt,
            java.util.function.BooleanSupplier stop, long maxMillis) {
        List<String> ids = new ArrayList<>();
        long start = System.currentTimeMillis();
        long period = 1000 / RATE;
        for (int i = 0; !stop.getAsBoolean() && System.currentTimeMillis() - start < maxMillis; i++) {
            long due = start + i * period;
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            String id = UUID.randomUUID().toString();
            Api.Response r = api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            loggedAt.put(id, System.currentTimeMillis());
            ids.add(id);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(arrivedAt::containsKey));
        List<Long> latencies = new ArrayList<>();
        ids.forEach(id -> latencies.add(Math.max(0, arrivedAt.get(id) - loggedAt.get(id))));
        Collections.sort(latencies);
        return latencies;
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1 < 0 ? 0
                : (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Writes the old rows straight into the store, in one statement per table. */
    private static void fill(Database db, String webhookId, long old) {
        String series = db.dialect() == Dialect.POSTGRESQL
                ? "SELECT generate_series(1, " + OLD_ROWS + ") AS x"
                : "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < " + OLD_ROWS + ") SELECT x FROM s";
        String orgId = db.jdbi().withHandle(h -> h.createQuery("SELECT org_id FROM webhooks WHERE id = :id")
                .bind("id", webhookId).mapTo(String.class).one());
        db.jdbi().useTransaction(h -> {
            h.createUpdate("INSERT INTO request_logs (org_id, id, started_at, ended_at, logged_at, provider, model, status, "
                            + "streamed, properties, request_body, response_body) SELECT :org, 'old-' || x, :t, :t, :t + x, 'OPENAI', "
                            + "'gpt-4o', 200, false, '{}', '{\"model\":\"gpt-4o\",\"messages\":[]}', '{\"usage\":{}}' FROM (" + series + ") q")
                    .bind("org", orgId).bind("t", old).execute();
            h.createUpdate("INSERT INTO deliveries (id, org_id, webhook_id, request_id, status, attempts_count, created_at, updated_at, "
                            + "last_status_code) SELECT 'msg_old_' || x, :org, :webhook, 'old-' || x, 'delivered', 1, :t + x, :t + x, 200 "
                            + "FROM (" + series + ") q")
                    .bind("org", orgId).bind("webhook", webhookId).bind("t", old).execute();
            h.createUpdate("INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, attempted_at, status_code, "
                            + "latency_ms) SELECT 'msg_old_' || x, 1, :org, :webhook, :t + x, 200, 3 FROM (" + series + ") q")
                    .bind("org", orgId).bind("webhook", webhookId).bind("t", old).execute();
        });
    }
}
