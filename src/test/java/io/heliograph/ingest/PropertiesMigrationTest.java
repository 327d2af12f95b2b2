package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.api.PageRequest;
import io.heliograph.store.Database;
import io.heliograph.support.OlderStore;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store written before properties were keyed by time (V11) keeps its logs' properties through the
 * upgrade: the filter finds them after it, and retention still removes them with their log.
 */
class PropertiesMigrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void propertiesStoredBeforeTheUpgradeAreFoundAndPurgedAfterIt(StoreKind kind) throws Exception {
        PostgresDatabase pg = kind == StoreKind.POSTGRES ? PostgresDatabase.create() : null;
        try {
            String url = OlderStore.migratedTo("11", pg, dir);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO organizations (id, name, created_at) VALUES ('org_a', 'a', 0)");
                for (String id : new String[] {"old-1", "old-2"}) {
                    OlderStore.insertLog(s, pg, "org_a", id, 1000, "{\"env\":\"" + id + "\"}");
                    s.execute("INSERT INTO request_properties (org_id, request_id, key, value) VALUES ('org_a', '" + id + "', 'env', '"
                            + id + "')");
                }
            }

            try (Database db = Database.open(pg == null ? null : pg.jdbcUrl(), dir, Clock.systemUTC())) {
                RequestLogStore store = new RequestLogStore(db);
                RequestQuery byEnv = new RequestQuery(Optional.empty(), Optional.empty(), Map.of("env", "old-2"),
                        new PageRequest(50, Optional.empty()));
                assertThat(store.page("org_a", byEnv).items()).extracting(RequestLog::id).containsExactly("old-2");

                assertThat(store.purgeBatch(1001, 100)).isEqualTo(2);
                try (org.jdbi.v3.core.Handle h = db.jdbi().open()) {
                    long left = h.createQuery("SELECT count(*) FROM request_properties").mapTo(Long.class).one();
                    assertThat(left).isZero();
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
