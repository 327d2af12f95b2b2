package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store under many writers: transactions queue in-process, and checkpoints complete while writes go on. */
class SqliteWritersTest {
    @TempDir
    Path dir;

    @Test
    void everyConnectionIsDurableAndKeepsItsStatementJournalsInMemory() throws Exception {
        try (Database db = Database.open(null, dir, Clock.systemUTC())) {
            // synchronous: FULL (2) for logs and deliveries, NORMAL (1) for bookkeeping; temp_store: MEMORY (2),
            // so a multi-row INSERT's statement journal is never written to a temporary file.
            assertThat(pragma(db.jdbi(), "synchronous")).isEqualTo("2");
            assertThat(pragma(db.bookkeeping(), "synchronous")).isEqualTo("1");
            // The log committer and the attempt recorder share one connection, each with its own durability,
            // whichever used it last.
            for (int round = 0; round < 2; round++) {
                assertThat(pragma(db.attemptWriter(), "synchronous")).isEqualTo("1");
                assertThat(pragma(db.logWriter(), "synchronous")).isEqualTo("2");
            }
            assertThat(pragma(db.logWriter(), "cache_size")).isEqualTo(Integer.toString(-Database.WRITER_CACHE_KIB));
            for (org.jdbi.v3.core.Jdbi jdbi : List.of(db.jdbi(), db.bookkeeping(), db.logWriter(), db.attemptWriter())) {
                assertThat(pragma(jdbi, "temp_store")).isEqualTo("2");
                assertThat(pragma(jdbi, "journal_mode")).isEqualTo("wal");
            }
        }
    }

    private static String pragma(org.jdbi.v3.core.Jdbi jdbi, String name) {
        try (org.jdbi.v3.core.Handle h = jdbi.open()) {
            return h.createQuery("PRAGMA " + name).mapTo(String.class).one();
        }
    }

    @Test
    void writersOfBothPoolsNeverMeetSqlitesBusyError() throws Exception {
        try (Database db = Database.open(null, dir, Clock.systemUTC())) {
            AtomicInteger committed = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            List<org.jdbi.v3.core.Jdbi> pools = List.of(db.jdbi(), db.bookkeeping(), db.logWriter(), db.attemptWriter());
            for (int t = 0; t < 16; t++) {
                org.jdbi.v3.core.Jdbi jdbi = pools.get(t % pools.size());
                int writer = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 100; i++) {
                            long n = writer * 1000L + i;
                            jdbi.useTransaction(h -> {
                                if (!db.writerHeldByCurrentThread()) {
                                    throw new AssertionError("a transaction ran without the writer lock");
                                }
                                h.createUpdate("INSERT INTO installation_secrets (name, value, created_at) VALUES (:n, 'v', 0)")
                                        .bind("n", "w" + n).execute();
                            });
                            committed.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(committed.get()).isEqualTo(1600);
            assertThat(db.writerHeldByCurrentThread()).isFalse();
        }
    }

    @Test
    void aCheckpointCompletesWhileAWriterKeepsWritingSoTheWalStartsOver() throws Exception {
        try (Database db = Database.open(null, dir, Clock.systemUTC())) {
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger rows = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    int n = rows.incrementAndGet();
                    db.jdbi().useTransaction(h -> h.createUpdate(
                                    "INSERT INTO installation_secrets (name, value, created_at) VALUES (:n, :v, 0)")
                            .bind("n", "r" + n).bind("v", "x".repeat(2000)).execute());
                }
            });
            try {
                while (rows.get() < 20) {
                    Thread.sleep(10);
                }
                for (int round = 0; round < 20; round++) {
                    long[] result = db.checkpointNow();
                    assertThat(result[0]).as("busy").isZero();
                    assertThat(result[2]).as("frames copied of " + result[1]).isEqualTo(result[1]);
                    Thread.sleep(50);
                }
                // Each complete checkpoint let the writer start the WAL over, so the WAL file (its high-water
                // mark) holds about one round of writes, while the database file holds them all.
                long wal = Files.size(dir.resolve("heliograph.db-wal"));
                long main = Files.size(dir.resolve("heliograph.db"));
                assertThat(wal).as("WAL bytes, with %d bytes in the database file", main).isLessThan(main);
            } finally {
                writing.set(false);
                writer.join();
            }
            // After a complete checkpoint the next writer starts the WAL over: it then holds that write's frames only.
            assertThat(db.checkpointNow()[0]).isZero();
            db.jdbi().useTransaction(h -> h.createUpdate(
                    "INSERT INTO installation_secrets (name, value, created_at) VALUES ('last', 'v', 0)").execute());
            long[] after = db.checkpointNow();
            assertThat(after[1]).as("frames in the WAL after one more write (of %d rows written)", rows.get()).isBetween(1L, 8L);
        }
    }
}
