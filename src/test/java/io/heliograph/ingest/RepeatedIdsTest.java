package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.store.Database;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What one group commit's INSERT answers about each log, on each store (SQLite runs one statement
 * per log and reads its count; PostgreSQL one statement for the lot and reads what it returned): a
 * repeat of an id the org already has, or of one earlier in the same batch, is not stored again and
 * writes no properties; the first one stays as it was; the same id in another org is a new log.
 */
class RepeatedIdsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void eachLogOfABatchIsReportedNewOrRepeatedAndOnlyNewOnesAreStored(StoreKind kind) {
        PostgresDatabase pg = kind == StoreKind.POSTGRES ? PostgresDatabase.create() : null;
        try (Database db = Database.open(pg == null ? null : pg.jdbcUrl(), dir, Clock.systemUTC())) {
            ApiKeyStore keys = new ApiKeyStore(db);
            String org = keys.authenticate(keys.createKey("repeats").key()).orElseThrow().orgId();
            String other = keys.authenticate(keys.createKey("repeats-other").key()).orElseThrow().orgId();
            RequestLogStore store = new RequestLogStore(db);

            boolean[] first = db.jdbi().inTransaction(h -> store.insertAll(h, List.of(
                    log(org, "a", "gpt-4o"), log(org, "b", "gpt-4o"), log(org, "a", "repeat-in-batch"), log(org, "c", "gpt-4o"))));
            assertThat(first).containsExactly(true, true, false, true);

            boolean[] second = db.jdbi().inTransaction(h -> store.insertAll(h, List.of(
                    log(org, "c", "repeat-of-stored"), log(org, "d", "gpt-4o"), log(other, "a", "gpt-4o"), log(org, "d", "again"))));
            assertThat(second).containsExactly(false, true, true, false);

            assertThat(store.find(org, "a").orElseThrow().model()).isEqualTo("gpt-4o");
            assertThat(store.find(org, "c").orElseThrow().model()).isEqualTo("gpt-4o");
            assertThat(store.find(org, "d").orElseThrow().model()).isEqualTo("gpt-4o");
            assertThat(store.find(other, "a")).isPresent();
            // Properties only for what was stored: one row per new log, carrying the first one's value.
            List<String> properties = db.jdbi().withHandle(h -> h.createQuery(
                            "SELECT org_id || '/' || request_id || '=' || value FROM request_properties ORDER BY 1")
                    .mapTo(String.class).list());
            assertThat(properties).containsExactlyInAnyOrder(
                    org + "/a=gpt-4o", org + "/b=gpt-4o", org + "/c=gpt-4o", org + "/d=gpt-4o", other + "/a=gpt-4o");
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** A log whose model and whose one property carry {@code label}, so a stored repeat would show. */
    private static RequestLog log(String org, String id, String label) {
        return new RequestLog(org, id, "OPENAI", label, null, 200, 1_000, 1_010, null, Map.of("label", label), null,
                "{\"model\":\"gpt-4o\"}", "{}", null, false, new Usage(null, null, null, null, null), null, Outcome.COMPLETED);
    }
}
