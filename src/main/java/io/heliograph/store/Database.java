package io.heliograph.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Handles;
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
    private final HikariDataSource bookkeepingSource;
    /** SQLite: the one connection of the log committer and the attempt recorder; null on PostgreSQL. */
    private final HikariDataSource writerSource;
    private final Jdbi jdbi;
    private final Jdbi bookkeeping;
    private final Jdbi logWriter;
    private final Jdbi attemptWriter;
    private final Clock clock;
    private static final long CHECKPOINT_EVERY_MS = 1000;
    private static final long COPY_EVERY_MS = 100;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);
    private volatile boolean closing;
    private volatile boolean lastCheckpointFailed;
    /** Below this many free bytes the disk counts as nearly full; -1: the default rule. */
    private volatile long minimumFreeBytes = -1;
    /** SQLite: held by each transaction of this process (see {@link SerializedTransactions}) and by the checkpointer. */
    /**
     * Fair: the log committer, the attempt recorder and the claimer take turns in arrival order. Unfair,
     * one that released and asked again at once could cut in, and the others waited up to a second
     * (measured under a hostile tenant's load).
     */
    private final ReentrantLock writer = new ReentrantLock(true);
    private final ReentrantLock checkpointing = new ReentrantLock();
    private Thread checkpointer;
    /** Where the SQLite file lives; null for PostgreSQL, whose disk is not ours to watch. */
    private final Path storeDir;

    private Database(Dialect dialect, HikariDataSource dataSource, HikariDataSource bookkeepingSource,
            HikariDataSource writerSource, Clock clock, Path storeDir) {
        this.dialect = dialect;
        this.storeDir = storeDir;
        this.dataSource = dataSource;
        this.bookkeepingSource = bookkeepingSource;
        this.writerSource = writerSource;
        this.jdbi = Jdbi.create(dataSource);
        this.bookkeeping = Jdbi.create(bookkeepingSource);
        if (writerSource == null) {
            this.logWriter = jdbi;
            this.attemptWriter = bookkeeping;
        } else {
            // One connection, two durabilities: each handle sets its own before its transaction.
            this.logWriter = synchronous(Jdbi.create(writerSource), "FULL");
            this.attemptWriter = synchronous(Jdbi.create(writerSource), "NORMAL");
        }
        if (dialect == Dialect.SQLITE) {
            // The pools open the same file: one lock for the transactions of all.
            for (Jdbi each : List.of(jdbi, bookkeeping, logWriter, attemptWriter)) {
                each.setTransactionHandler(new SerializedTransactions(each.getTransactionHandler(), writer));
            }
            checkpointer = Thread.ofPlatform().daemon().name("sqlite-checkpointer").start(this::checkpointLoop);
        }
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
        String url = "jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath();
        return new Database(Dialect.SQLITE, sqlitePool("heliograph-sqlite", url, SQLiteConfig.SynchronousMode.FULL, 16, 0),
                sqlitePool("heliograph-sqlite-bookkeeping", url, SQLiteConfig.SynchronousMode.NORMAL, 8, 0),
                sqlitePool("heliograph-sqlite-writer", url, SQLiteConfig.SynchronousMode.FULL, 1, WRITER_CACHE_KIB),
                clock, dataDir);
    }

    /**
     * The page cache of the log committer's and attempt recorder's one connection (SQLite's default is
     * 2 MiB per connection). SQLite empties a connection's cache whenever another connection has written
     * since its last transaction; sharing one connection, the two writers keep each other's pages, and
     * the indexes' inner pages stay in memory instead of being read again (pread) at every batch.
     */
    static final int WRITER_CACHE_KIB = 32 * 1024;

    /** A handle opened through {@code jdbi} first sets {@code PRAGMA synchronous} to {@code mode}. */
    private static Jdbi synchronous(Jdbi jdbi, String mode) {
        jdbi.getConfig(Handles.class).addListener(new HandleListener() {
            @Override
            public void handleCreated(Handle handle) {
                handle.execute("PRAGMA synchronous = " + mode);
            }
        });
        return jdbi;
    }

    private static HikariDataSource sqlitePool(String name, String url, SQLiteConfig.SynchronousMode synchronous, int size, int cacheKib) {
        SQLiteConfig sqlite = new SQLiteConfig();
        if (cacheKib > 0) {
            sqlite.setCacheSize(-cacheKib); // negative: KiB, not pages
        }
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(synchronous);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(10_000);
        // Statement journals in memory, not in a temporary file: a multi-row INSERT that may abort
        // (a foreign key) keeps one, and past 64 KiB SQLite spilled it to disk with a write per page.
        // In memory, the log committer's INSERTs took ~30 % less CPU (docs/benchmarks.md, issue 17).
        // Large sorts and temporary tables are then held in memory as well (native, outside the heap).
        sqlite.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // After a complete checkpoint the WAL starts over; past 64 MiB it is also cut back to that size.
        sqlite.setJournalSizeLimit(64 * 1024 * 1024);
        // Writers take the lock when the transaction begins, so two writers wait for each other
        // (busy timeout) instead of failing when a reader upgrades to a writer.
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqliteSource = new SQLiteDataSource(sqlite);
        sqliteSource.setUrl(url);
        HikariConfig pool = new HikariConfig();
        pool.setPoolName(name);
        pool.setDataSource(sqliteSource);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(1);
        // No commit copies the WAL into the database file (a checkpoint: ~10 ms, on the committing
        // thread, every 1,000 pages); the checkpointer thread does it beside the writers instead.
        pool.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
        return new HikariDataSource(pool);
    }

    /**
     * Copies committed WAL frames into the database file every {@value #COPY_EVERY_MS} ms and completes
     * a checkpoint every {@value #CHECKPOINT_EVERY_MS} ms, so commits only append to the WAL. First without the writer lock (writers go on; it copies what
     * was committed when it started), then once more holding it, which copies the few frames
     * appended meanwhile and completes the checkpoint — only a complete one lets the next writer
     * start the WAL over from its beginning. Without that second step a busy server's WAL grows
     * without end (measured: 420 MB after 30 s of load).
     */
    private void checkpointLoop() {
        long last = System.nanoTime();
        while (!closing) {
            try {
                Thread.sleep(COPY_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - last >= CHECKPOINT_EVERY_MS * 1_000_000L || lastCheckpointFailed || lowOnDisk().isPresent()) {
                checkpointNow();
                last = System.nanoTime();
            } else {
                // In between, copy without the lock: what the WAL holds beyond the database file stays
                // ~0.1 s of writes, so a disk that fills up never holds more in the WAL than it can copy
                // back once a little space returns.
                checkpoint("PASSIVE");
            }
        }
    }

    /** For tests: whether this thread holds the in-process SQLite writer lock (it does inside any transaction). */
    boolean writerHeldByCurrentThread() {
        return writer.isHeldByCurrentThread();
    }

    /**
     * One checkpoint as the checkpointer runs it; answers SQLite's figures for the second, locked pass:
     * {busy (0 or 1), frames in the WAL, frames copied}. Complete when the last two are equal.
     */
    long[] checkpointNow() {
        checkpoint("PASSIVE");
        // Short of disk (or after a checkpoint that failed, e.g. the file could not grow): TRUNCATE,
        // which also cuts the WAL file to nothing, so the space its high-water mark holds comes back.
        String mode = lastCheckpointFailed || lowOnDisk().isPresent() ? "TRUNCATE" : "PASSIVE";
        writer.lock();
        try {
            long[] result = checkpoint(mode);
            lastCheckpointFailed = result[0] != 0 || result[1] < 0;
            return result;
        } finally {
            writer.unlock();
        }
    }

    /**
     * One checkpoint at a time in this process: SQLite answers a second, concurrent one "busy" and
     * copies nothing (a test calling {@link #checkpointNow} beside the checkpointer thread met that).
     */
    private long[] checkpoint(String mode) {
        checkpointing.lock();
        try {
            return runCheckpoint(mode);
        } finally {
            checkpointing.unlock();
        }
    }

    private long[] runCheckpoint(String mode) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[] {1, -1, -1};
        } catch (SQLException | RuntimeException e) {
            if (!closing) {
                LOG.debug("WAL checkpoint failed; trying again shortly: {}", e.toString());
            }
            return new long[] {1, -1, -1};
        }
    }

    private static Database openPostgres(String url, Clock clock) {
        Dialect.forUrl(url); // rejects anything that is not PostgreSQL with a clear message
        return new Database(Dialect.POSTGRESQL, postgresPool("heliograph-postgresql", url, null),
                postgresPool("heliograph-postgresql-bookkeeping", url, "SET synchronous_commit TO OFF"), null, clock, null);
    }

    private static HikariDataSource postgresPool(String name, String url, String initSql) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName(name);
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(10);
        pool.setMinimumIdle(1);
        if (initSql != null) {
            pool.setConnectionInitSql(initSql);
        }
        // Batched INSERTs (properties, outbox rows, attempts) go as multi-row statements: one execution,
        // not one per row. (Nothing here reads a batched INSERT's per-row counts.)
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Fail fast at start-up when the database is unreachable, rather than hanging.
        pool.setConnectionTimeout(10_000);
        pool.setInitializationFailTimeout(10_000);
        return new HikariDataSource(pool);
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

    /**
     * The log committer's transactions, which wait for the disk. On SQLite one connection, shared
     * with {@link #attemptWriter()} (see {@link #WRITER_CACHE_KIB}); on PostgreSQL {@link #jdbi()}.
     */
    public Jdbi logWriter() {
        return logWriter;
    }

    /**
     * The attempt recorder's transactions, as durable as {@link #bookkeeping()}'s. On SQLite the
     * log committer's connection, switched to synchronous=NORMAL for each; on PostgreSQL
     * {@link #bookkeeping()}.
     */
    public Jdbi attemptWriter() {
        return attemptWriter;
    }

    /**
     * Transactions whose loss in a power failure only makes a delivery be sent again — claims, attempt
     * records — commit without waiting for the disk (SQLite synchronous=NORMAL in WAL mode,
     * PostgreSQL synchronous_commit=off). They still survive a process crash. Logs and the outbox rows
     * they create always go through {@link #logWriter()}, which waits for the disk.
     */
    public Jdbi bookkeeping() {
        return bookkeeping;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * For the embedded store: a reason when its disk is nearly full (less than 64 MiB or 5 % of it
     * free, whichever is smaller), so /readyz turns traffic away before writes start failing.
     */
    public java.util.Optional<String> lowOnDisk() {
        if (storeDir == null) {
            return java.util.Optional.empty();
        }
        try {
            java.nio.file.FileStore disk = Files.getFileStore(storeDir);
            long free = disk.getUsableSpace();
            long threshold = minimumFreeBytes >= 0 ? minimumFreeBytes : Math.min(64L * 1024 * 1024, disk.getTotalSpace() / 20);
            return free < threshold
                    ? java.util.Optional.of("disk almost full: " + free / 1024 + " KiB free")
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** For tests: a nearly-full disk without filling one. */
    void minimumFreeBytes(long bytes) {
        minimumFreeBytes = bytes;
    }

    /**
     * True when a write commits: what /readyz reports. Only a write can tell — a PostgreSQL whose disk
     * is full, or a standby, still answers reads. /readyz calls this at most once a second however
     * often it is asked (HealthRoutes), so the probe costs the store one tiny commit a second at most.
     */
    public boolean reachable() {
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
        closing = true;
        if (checkpointer != null) {
            checkpointer.interrupt();
            try {
                checkpointer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closing = false;
            writer.lock();
            try {
                checkpoint("TRUNCATE"); // leave the file whole and the WAL empty
            } finally {
                writer.unlock();
            }
            closing = true;
        }
        if (writerSource != null) {
            writerSource.close();
        }
        bookkeepingSource.close();
        dataSource.close();
    }
}
