package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.api.PageRequest;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.store.Database;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The by-user index holds only logs that name a user (a log without one writes no page there), and
 * {@code ?user_id=} still lists through it, on each store.
 */
class UserIndexTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void onlyLogsWithAUserAreIndexedByUserAndTheFilterStillUsesTheIndex(StoreKind kind) {
        PostgresDatabase pg = kind == StoreKind.POSTGRES ? PostgresDatabase.create() : null;
        try (Database db = Database.open(pg == null ? null : pg.jdbcUrl(), dir, Clock.systemUTC())) {
            ApiKeyStore keys = new ApiKeyStore(db);
            String org = keys.authenticate(keys.createKey("user-index").key()).orElseThrow().orgId();
            RequestLogStore store = new RequestLogStore(db);
            List<RequestLog> logs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                logs.add(log(org, "log-" + i, i % 4 == 0 ? "user-" + (i % 8) : null, 1_000 + i));
            }
            db.jdbi().useTransaction(h -> store.insertAll(h, logs));

            RequestQuery byUser = new RequestQuery(Optional.empty(), Optional.of("user-0"), Map.of(), new PageRequest(50, Optional.empty()));
            assertThat(store.page(org, byUser).items()).extracting(RequestLog::id)
                    .containsExactly("log-32", "log-24", "log-16", "log-8", "log-0");
            RequestQuery all = new RequestQuery(Optional.empty(), Optional.empty(), Map.of(), new PageRequest(50, Optional.empty()));
            assertThat(store.page(org, all).items()).hasSize(40);

            try (Handle h = db.jdbi().open()) {
                if (kind == StoreKind.POSTGRES) {
                    assertThat(h.createQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'request_logs_by_user'")
                            .mapTo(String.class).one()).endsWith("WHERE (user_id IS NOT NULL)");
                    h.execute("SET enable_seqscan = off");
                    String plan = String.join("\n", h.createQuery("EXPLAIN SELECT id FROM request_logs r WHERE r.org_id = 'o' AND r.user_id = 'u'"
                            + " ORDER BY r.started_at DESC, r.id DESC LIMIT 51").mapTo(String.class).list());
                    assertThat(plan).contains("request_logs_by_user");
                } else {
                    assertThat(h.createQuery("SELECT sql FROM sqlite_master WHERE name = 'request_logs_by_user'")
                            .mapTo(String.class).one()).endsWith("WHERE user_id IS NOT NULL");
                    // Ten rows in the index: the logs with a user, and none of the thirty without.
                    assertThat(h.createQuery("SELECT count(*) FROM request_logs INDEXED BY request_logs_by_user WHERE org_id = :org"
                            + " AND user_id IS NOT NULL").bind("org", org).mapTo(Integer.class).one()).isEqualTo(10);
                    String plan = String.join("\n", h.createQuery("EXPLAIN QUERY PLAN SELECT id FROM request_logs r WHERE r.org_id = 'o'"
                            + " AND r.user_id = 'u' ORDER BY r.started_at DESC, r.id DESC LIMIT 51").map((rs, ctx) -> rs.getString("detail")).list());
                    assertThat(plan).contains("request_logs_by_user");
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static RequestLog log(String org, String id, String user, long startedAt) {
        return new RequestLog(org, id, "OPENAI", "gpt-4o", user, 200, startedAt, startedAt + 10, null, Map.of(), null,
                "{\"model\":\"gpt-4o\"}", "{}", null, false, new Usage(null, null, null, null, null), null, Outcome.COMPLETED);
    }
}
