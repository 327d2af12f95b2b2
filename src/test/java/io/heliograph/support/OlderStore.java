package io.heliograph.support;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A store as an earlier release left it: migrated only up to one version, for a migration test to
 * fill with rows in that schema before {@code Database.open} upgrades it the rest of the way.
 */
public final class OlderStore {
    private OlderStore() {
    }

    /**
     * Migrates the test's PostgreSQL database ({@code pg}), or when it is null the SQLite file that
     * {@code Database.open} uses under {@code dir}, up to {@code version}; answers its JDBC URL.
     */
    public static String migratedTo(String version, PostgresDatabase pg, Path dir) {
        String url = pg == null ? "jdbc:sqlite:" + dir.resolve("heliograph.db") : pg.jdbcUrl();
        String folder = pg == null ? "sqlite" : "postgresql";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + folder).target(version).load().migrate();
        return url;
    }

    /** A completed log with the columns every schema since V4 has: started at 100, ended at 200, stored at {@code loggedAt}. */
    public static void insertLog(Statement s, PostgresDatabase pg, String org, String id, long loggedAt, String propertiesJson)
            throws SQLException {
        s.execute("INSERT INTO request_logs (org_id, id, started_at, ended_at, logged_at, provider, status, streamed,"
                + " properties, request_body, outcome) VALUES ('" + org + "', '" + id + "', 100, 200, " + loggedAt + ", 'OPENAI', 200, "
                + (pg == null ? "0" : "false") + ", '" + propertiesJson + "', '{}', 'completed')");
    }
}
