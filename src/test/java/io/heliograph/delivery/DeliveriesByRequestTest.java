package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.ingest.RequestLogStore;
import io.heliograph.store.Database;
import io.heliograph.support.OlderStore;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A log's deliveries are indexed by the log's org, the time it was stored and its id (V13): deliveries
 * written before the upgrade get their log's time, a log's deliveries are still listed — through that
 * index — and retention still keeps a log a pending delivery needs, on each store.
 */
class DeliveriesByRequestTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void deliveriesStoredBeforeTheUpgradeAreFoundByTheirLogAndKeepItFromRetention(StoreKind kind) throws Exception {
        PostgresDatabase pg = kind == StoreKind.POSTGRES ? PostgresDatabase.create() : null;
        try {
            String url = OlderStore.migratedTo("12", pg, dir);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO organizations (id, name, created_at) VALUES ('org_a', 'a', 0)");
                s.execute("INSERT INTO organizations (id, name, created_at) VALUES ('org_b', 'b', 0)");
                OlderStore.insertLog(s, pg, "org_a", "log-1", 1000, "{}");
                OlderStore.insertLog(s, pg, "org_a", "log-2", 2000, "{}");
                OlderStore.insertLog(s, pg, "org_b", "log-1", 1500, "{}"); // the same id in another org
                delivery(s, "msg_1", "org_a", "log-1", "delivered", 1001);
                delivery(s, "msg_2", "org_a", "log-1", "pending", 1002);
                delivery(s, "msg_3", "org_a", "log-2", "delivered", 2001);
                delivery(s, "msg_4", "org_b", "log-1", "failed", 1501);
                delivery(s, "msg_5", "org_a", "gone", "delivered", 500); // its log was removed before the upgrade
            }

            try (Database db = Database.open(pg == null ? null : pg.jdbcUrl(), dir, Clock.systemUTC())) {
                try (Handle h = db.jdbi().open()) {
                    List<String> backfilled = h.createQuery("SELECT id || '=' || COALESCE(CAST(request_logged_at AS TEXT), 'null')"
                            + " FROM deliveries ORDER BY id").mapTo(String.class).list();
                    assertThat(backfilled).containsExactly("msg_1=1000", "msg_2=1000", "msg_3=2000", "msg_4=1500", "msg_5=null");
                }
                DeliveryStore deliveries = new DeliveryStore(db);
                assertThat(deliveries.forRequest("org_a", "log-1")).extracting(Delivery::id).containsExactly("msg_1", "msg_2");
                assertThat(deliveries.forRequest("org_a", "log-2")).extracting(Delivery::id).containsExactly("msg_3");
                assertThat(deliveries.forRequest("org_b", "log-1")).extracting(Delivery::id).containsExactly("msg_4");
                assertThat(deliveries.forRequest("org_b", "log-2")).isEmpty();

                // log-1 of org_a has a pending delivery: it stays; the other two go.
                assertThat(new RequestLogStore(db).purgeBatch(3000, 100)).isEqualTo(2);
                try (Handle h = db.jdbi().open()) {
                    assertThat(h.createQuery("SELECT org_id || '/' || id FROM request_logs").mapTo(String.class).list())
                            .containsExactly("org_a/log-1");
                    String lookup = "SELECT d.id FROM request_logs l JOIN deliveries d ON d.org_id = l.org_id"
                            + " AND d.request_logged_at = l.logged_at AND d.request_id = l.id WHERE l.org_id = 'org_a' AND l.id = 'log-1'";
                    if (pg == null) {
                        String plan = String.join("\n", h.createQuery("EXPLAIN QUERY PLAN " + lookup)
                                .map((rs, ctx) -> rs.getString("detail")).list());
                        assertThat(plan).contains("deliveries_by_request (org_id=? AND request_logged_at=? AND request_id=?)");
                    } else {
                        h.execute("SET enable_seqscan = off");
                        String plan = String.join("\n", h.createQuery("EXPLAIN " + lookup).mapTo(String.class).list());
                        assertThat(plan).contains("deliveries_by_request");
                        assertThat(h.createQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'deliveries_by_request'")
                                .mapTo(String.class).one()).endsWith("(org_id, request_logged_at, request_id)");
                    }
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static void delivery(Statement s, String id, String org, String requestId, String status, long createdAt) throws Exception {
        s.execute("INSERT INTO deliveries (id, org_id, webhook_id, request_id, status, attempts_count, next_attempt_at, created_at,"
                + " updated_at) VALUES ('" + id + "', '" + org + "', 'wh_1', '" + requestId + "', '" + status + "', 0, "
                + ("pending".equals(status) ? createdAt : "NULL") + ", " + createdAt + ", " + createdAt + ")");
    }
}
