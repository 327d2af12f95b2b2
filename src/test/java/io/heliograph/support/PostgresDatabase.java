package io.heliograph.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth), created for one
 * test server and dropped after it, so tests never see each other's rows.
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final String ADMIN_URL = System.getProperty("heliograph.test.pgAdminUrl",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final String BASE_URL = System.getProperty("heliograph.test.pgBaseUrl",
            "jdbc:postgresql://127.0.0.1:5432/");

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    public static PostgresDatabase create() {
        String name = "hg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE DATABASE " + name);
        return new PostgresDatabase(name);
    }

    public String jdbcUrl() {
        return BASE_URL + name + "?user=postgres";
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " failed: " + sql, e);
        }
    }
}
