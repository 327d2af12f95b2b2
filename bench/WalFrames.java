import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * SQLite WAL frames (4 KiB pages) written per log, by index and by batch size: what a group commit
 * of logs, their properties and one delivery each costs the disk, apart from the server's CPU and the
 * host's noise (docs/benchmarks.md, issue 17, fifth session).
 *
 * <pre>
 *   mvn -B -q package -DskipTests
 *   java -cp target/heliograph.jar bench/WalFrames.java
 * </pre>
 *
 * Each case migrates a fresh store with the server's own migrations ({@code Database.open}), writes
 * 200 warm-up batches, empties the WAL, then writes 300 batches (one transaction each, the columns the
 * log committer writes: ~1 KiB logs like bench/wrk/log.lua's, two properties, one delivery) with
 * automatic checkpoints off, and divides the WAL's growth in frames by the logs. The checkpoints that
 * later copy those pages into the database file are not counted. Bounded: a few seconds per case.
 */
public class WalFrames {
    static final int FRAME = 4096 + 24;

    public static void main(String[] args) throws Exception {
        double all = run(List.of(), true, 64, 300, 200);
        System.out.printf(Locale.ROOT, "batch of 64, every index: %.2f frames per log (%.1f KiB)%n", all, all * FRAME / 1024);
        for (String index : List.of("request_logs_newest", "request_logs_by_model", "request_logs_by_logged_at",
                "request_properties_lookup", "deliveries_by_webhook", "deliveries_by_webhook_status", "deliveries_by_created_at",
                "deliveries_due", "deliveries_due_by_webhook", "deliveries_by_request")) {
            double without = run(List.of(index), true, 64, 300, 200);
            System.out.printf(Locale.ROOT, "  without %-30s %.2f (%+.2f)%n", index, without, without - all);
        }
        System.out.printf(Locale.ROOT, "batch of 64, no deliveries: %.2f%n", run(List.of(), false, 64, 300, 200));
        for (int batch : new int[] {8, 16, 32, 128, 256}) {
            System.out.printf(Locale.ROOT, "batch of %d: %.2f%n", batch, run(List.of(), true, batch, 19_200 / batch, 12_800 / batch));
        }
    }

    static double run(List<String> drop, boolean deliveries, int batch, int commits, int warm) throws Exception {
        Path dir = Files.createTempDirectory("heliograph-wal-frames-");
        try {
            io.heliograph.store.Database.open(null, dir, Clock.systemUTC()).close(); // the server's schema, migrated
            Path db;
            try (var files = Files.list(dir)) {
                db = files.filter(p -> p.toString().endsWith(".db")).findFirst().orElseThrow();
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                exec(c, "PRAGMA journal_mode=WAL");
                exec(c, "PRAGMA wal_autocheckpoint=0");
                exec(c, "PRAGMA synchronous=OFF"); // frames are counted, not timed
                exec(c, "INSERT INTO organizations (id, name, created_at) VALUES ('org_a', 'a', 0)");
                for (String index : drop) {
                    exec(c, "DROP INDEX " + index);
                }
                c.setAutoCommit(false);
                Writer w = new Writer(c, deliveries, batch);
                for (int i = 0; i < warm; i++) {
                    w.batch();
                }
                c.setAutoCommit(true);
                exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
                c.setAutoCommit(false);
                Path wal = Path.of(db + "-wal");
                long before = Math.max(32, Files.exists(wal) ? Files.size(wal) : 0);
                for (int i = 0; i < commits; i++) {
                    w.batch();
                }
                return (Files.size(wal) - before) / (double) FRAME / ((long) commits * batch);
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One statement, its results (a PRAGMA's) closed before the next, so no commit finds it still open. */
    static void exec(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Batches of logs as the log committer writes them, ids shaped as bench/wrk/log.lua's (random within a run). */
    static final class Writer {
        final Connection c;
        final boolean deliveries;
        final int batch;
        final Random random = new Random(17);
        final String nonce = String.format("%08x", new Random().nextInt() & 0x7fffffff);
        final String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(700) + "\"}]}";
        final PreparedStatement log;
        final PreparedStatement property;
        final PreparedStatement delivery;
        long now = System.currentTimeMillis();
        long n;

        Writer(Connection c, boolean deliveries, int batch) throws Exception {
            this.c = c;
            this.deliveries = deliveries;
            this.batch = batch;
            log = c.prepareStatement("""
                    INSERT INTO request_logs (org_id, id, started_at, ended_at, logged_at, provider, model, user_id, status,
                        prompt_tokens, completion_tokens, total_tokens, time_to_first_token_ms, cost, streamed, properties,
                        request_url, request_body, response_body, response_text, outcome)
                    VALUES ('org_a', ?, ?, ?, ?, 'OPENAI', 'gpt-4o', NULL, 200, 13, 17, 30, NULL, 0.0001, 0,
                        '{"scenario":"e2e","lane":"main"}', NULL, ?, '{"choices":[{"message":{"content":"Hi!"}}]}', 'Hi!', 'completed')""");
            property = c.prepareStatement("INSERT INTO request_properties (org_id, logged_at, request_id, key, value) VALUES ('org_a', ?, ?, ?, ?)");
            delivery = c.prepareStatement("""
                    INSERT INTO deliveries (id, org_id, webhook_id, request_id, request_logged_at, status, attempts_count,
                        next_attempt_at, lease_until, leased_by, created_at, updated_at)
                    VALUES (?, 'org_a', 'wh_1', ?, ?, 'pending', 0, ?, ?, 'node', ?, ?)""");
        }

        void batch() throws Exception {
            now += 8;
            List<String> ids = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                n++;
                String id = String.format("%s-%04x-%04x-%04x-%012x", nonce, i % 2, random.nextInt(0x10000), random.nextInt(0x10000), n);
                ids.add(id);
                log.setString(1, id);
                log.setLong(2, now - 5);
                log.setLong(3, now - 1);
                log.setLong(4, now);
                log.setString(5, body);
                log.addBatch();
                for (String[] kv : new String[][] {{"scenario", "e2e"}, {"lane", "main"}}) {
                    property.setLong(1, now);
                    property.setString(2, id);
                    property.setString(3, kv[0]);
                    property.setString(4, kv[1]);
                    property.addBatch();
                }
                if (deliveries) {
                    delivery.setString(1, String.format("msg_%016x%08x", now * 1000 + i, n));
                    delivery.setString(2, id);
                    delivery.setLong(3, now);
                    delivery.setLong(4, now);
                    delivery.setLong(5, now + 60_000);
                    delivery.setLong(6, now);
                    delivery.setLong(7, now);
                    delivery.addBatch();
                }
            }
            log.executeBatch();
            property.executeBatch();
            if (deliveries) {
                delivery.executeBatch();
            }
            c.commit();
        }
    }
}
