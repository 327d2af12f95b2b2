package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.ops.Retention;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Logs and deliveries past HELIOGRAPH_RETENTION are removed; younger ones and webhooks stay. */
class RetentionTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aSweepRemovesWhatIsOlderThanTheRetentionAndNothingElse(StoreKind store) throws Exception {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().retrySchedule("500ms").retention(Duration.ofSeconds(2)).start();
                Receiver receiver = new Receiver()) {
            Api api = server.api();
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String old = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(old, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Thread.sleep(2_100);
            String young = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(young, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);

            Retention.Swept swept = server.heliograph().retention().sweep();

            assertThat(swept.logs()).isEqualTo(1);
            assertThat(swept.deliveries()).isEqualTo(1);
            assertThat(api.get("/v1/request/" + old).status()).isEqualTo(404);
            assertThat(api.get("/v1/request/" + young).status()).isEqualTo(200);
            var items = api.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items");
            assertThat(items).hasSize(1);
            assertThat(items.get(0).toString()).contains(young);
            assertThat(api.get("/v1/webhooks/" + webhookId).status()).as("webhooks are not subject to retention").isEqualTo(200);
            assertThat(server.heliograph().retention().sweep()).isEqualTo(new Retention.Swept(0, 0));
        }
    }

    /** The dashboard's rollups go with the deliveries they count: rows of minutes and slots that ended before the cutoff. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void rollupsOlderThanTheRetentionGoAndTheCurrentOnesStay(StoreKind store) throws Exception {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().retention(Duration.ofHours(1)).start();
                Receiver receiver = new Receiver()) {
            Api api = server.api();
            String webhookId = Webhooks.create(api, receiver.url(), "{}", false).get("id").asText();
            assertThat(api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> rollupRows(server, "attempt_rollups", "minute", Long.MAX_VALUE) == 1
                    && rollupRows(server, "attempt_rollups_10m", "slot", Long.MAX_VALUE) == 1);
            long twoHoursAgo = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) / 600_000 * 600_000;
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.directJdbcUrl());
                    java.sql.Statement s = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    s.executeUpdate("INSERT INTO attempt_rollups (webhook_id, minute, latency_bucket, org_id, attempts, successes) "
                            + "SELECT webhook_id, " + (twoHoursAgo + i * 60_000L) + ", latency_bucket, org_id, 1, 1 FROM attempt_rollups"
                            + " WHERE minute > " + (twoHoursAgo + 3_600_000L));
                }
                s.executeUpdate("INSERT INTO attempt_rollups_10m (webhook_id, slot, latency_bucket, org_id, attempts, successes) "
                        + "SELECT webhook_id, " + twoHoursAgo + ", latency_bucket, org_id, 1, 1 FROM attempt_rollups_10m");
            }
            assertThat(rollupRows(server, "attempt_rollups", "minute", Long.MAX_VALUE)).isEqualTo(4);

            server.heliograph().retention().sweep();

            long hourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
            assertThat(rollupRows(server, "attempt_rollups", "minute", hourAgo)).isZero();
            assertThat(rollupRows(server, "attempt_rollups_10m", "slot", hourAgo)).isZero();
            assertThat(rollupRows(server, "attempt_rollups", "minute", Long.MAX_VALUE)).as("the current minute stays").isEqualTo(1);
            assertThat(rollupRows(server, "attempt_rollups_10m", "slot", Long.MAX_VALUE)).isEqualTo(1);
            assertThat(api.get("/v1/webhooks/" + webhookId + "/series").data().get("total").get("attempts").asLong()).isEqualTo(1);
        }
    }

    private static long rollupRows(TestServer server, String table, String column, long before) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.directJdbcUrl());
                java.sql.PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + column + " < ?")) {
            q.setLong(1, before);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * A delivery that has not ended — waiting on a disabled webhook, or for its next retry — is never
     * removed, nor the log it needs; the ended ones around it go, with their attempts, leaving no orphan.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void deliveriesThatHaveNotEndedAndTheirLogsOutliveTheRetention(StoreKind store) throws Exception {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().retrySchedule("500ms").retention(Duration.ofSeconds(2)).start();
                Receiver healthy = new Receiver(); Receiver down = new Receiver().answering(r -> Receiver.status(500))) {
            server.heliograph().retention().stopSchedule();
            Api api = server.api();
            String done = Webhooks.create(api, healthy.url(), "{}", true).get("id").asText();
            String waiting = Webhooks.create(api, down.url(), "{}", true).get("id").asText();
            String logId = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(logId, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> healthy.received().size() == 1 && down.received().size() == 1);
            // The failing webhook is disabled before its retry: its delivery waits, pending, as long as it takes.
            assertThat(api.patch("/v1/webhooks/" + waiting, "{\"enabled\":false}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/webhooks/" + done + "/deliveries").data()
                    .get("items").get(0).get("status").asText().equals("delivered"));
            Thread.sleep(2_100);

            Retention.Swept swept = server.heliograph().retention().sweep();

            assertThat(swept.deliveries()).as("the delivered one").isEqualTo(1);
            assertThat(swept.logs()).as("the log the pending delivery needs stays").isZero();
            assertThat(api.get("/v1/request/" + logId).status()).isEqualTo(200);
            var pending = api.get("/v1/webhooks/" + waiting + "/deliveries").data().get("items");
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).get("status").asText()).isEqualTo("pending");
            long orphans = server.heliograph().database().jdbi().withHandle(h -> h.createQuery("""
                    SELECT COUNT(*) FROM delivery_attempts a
                    WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id)""").mapTo(Long.class).one());
            assertThat(orphans).as("attempt rows without their delivery").isZero();

            // Enabled again, it is delivered, and the next sweep may take both.
            down.answering(r -> Receiver.status(200));
            assertThat(api.patch("/v1/webhooks/" + waiting, "{\"enabled\":true}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> down.received().size() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/webhooks/" + waiting + "/deliveries").data()
                    .get("items").get(0).get("status").asText().equals("delivered"));
            assertThat(server.heliograph().retention().sweep()).isEqualTo(new Retention.Swept(1, 1));
        }
    }
}
