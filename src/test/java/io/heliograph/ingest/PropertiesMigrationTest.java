package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.api.PageRequest;
import io.heliograph.store.Database;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
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
            String url = pg == null ? "jdbc:sqlite:" + dir.resolve("heliograph.db") : pg.jdbcUrl();
            String folder = pg == null ? "sqlite" : "postgresql";
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + folder).target("11").load().migrate();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO organizations (id, name, created_at) VALUES ('org_a', 'a', 0)");
                for (String id : new String[] {"old-1", "old-2"}) {
                    s.execute("INSERT INTO request_logs (org_id, id, started_at, ended_at, logged_at, provider, status, streamed,"
                            + " properties, request_body, outcome) VALUES ('org_a', '" + id + "', 100, 200, 1000, 'OPENAI', 200, "
                            + (pg == null ? "0" : "false") + ", '{\"env\":\"" + id + "\"}', '{}', 'completed')");
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
