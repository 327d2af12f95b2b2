package io.heliograph.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The store: a connection pool, its migrations, and the {@link Jdbi} every data-access class uses.
 * SQLite is the zero-setup default; PostgreSQL is used when a database URL is given.
 */
public final class Database implements AutoCloseable {
    private static final String SQLITE_FILE = "heliograph.db";

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Clock clock;

    private Database(Dialect dialect, HikariDataSource dataSource, Clock clock) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.clock = clock;
    }

    /** Opens (and migrates) PostgreSQL when {@code databaseUrl} is set, else SQLite under {@code dataDir}. */
    public static Database open(String databaseUrl, Path dataDir, Clock clock) {
        Database db = databaseUrl == null || databaseUrl.isBlank()
                ? openSqlite(dataDir, clock)
                : openPostgres(databaseUrl, clock);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static Database openSqlite(Path dataDir, Clock clock) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data directory " + dataDir, e);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk before the caller is told it happened, even across a power loss.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(10_000);
        // Writers take the lock when the transaction begins, so two writers wait for each other
        // (busy timeout) instead of failing when a reader upgrades to a writer.
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqliteSource = new SQLiteDataSource(sqlite);
        sqliteSource.setUrl("jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath());

        HikariConfig pool = new HikariConfig();
        pool.setPoolName("heliograph-sqlite");
        pool.setDataSource(sqliteSource);
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(1);
        return new Database(Dialect.SQLITE, new HikariDataSource(pool), clock);
    }

    private static Database openPostgres(String url, Clock clock) {
        Dialect.forUrl(url); // rejects anything that is not PostgreSQL with a clear message
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("heliograph-postgresql");
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(10);
        pool.setMinimumIdle(1);
        // Fail fast at start-up when the database is unreachable, rather than hanging.
        pool.setConnectionTimeout(10_000);
        pool.setInitializationFailTimeout(10_000);
        return new Database(Dialect.POSTGRESQL, new HikariDataSource(pool), clock);
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .load()
                .migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Clock clock() {
        return clock;
    }

    /** True when a write commits: what /readyz reports. */
    public boolean acceptsWrites() {
        try {
            long now = clock.millis();
            jdbi.useTransaction(h -> {
                int updated = h.createUpdate("UPDATE readiness_probe SET checked_at = :now WHERE id = 1")
                        .bind("now", now).execute();
                if (updated == 0) {
                    h.createUpdate("INSERT INTO readiness_probe (id, checked_at) VALUES (1, :now) ON CONFLICT (id) DO NOTHING")
                            .bind("now", now).execute();
                }
            });
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
