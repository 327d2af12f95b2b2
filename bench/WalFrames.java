import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * SQLite WAL frames (4 KiB pages) written per log, and the writing thread's CPU per log, by index, by
 * batch size and by how the logs' INSERT is written: what a group commit of logs, their properties
 * and one delivery each costs the disk and the log committer, apart from the rest of the server and
 * the host's noise (docs/benchmarks.md, issue 17, fifth and sixth sessions).
 *
 * <pre>
 *   mvn -B -q package -DskipTests
 *   java -cp target/heliograph.jar bench/WalFrames.java
 * </pre>
 *
 * Each case migrates a fresh store with the server's own migrations ({@code Database.open}), writes
 * warm-up batches, empties the WAL, then writes the measured batches (one transaction each, with
 * {@code synchronous=FULL} as the server: every value the log committer binds, ~1 KiB logs like
 * bench/wrk/log.lua's — start times 0.2–1.5 s before their end, as a client reports a call when it
 * returns — two properties, one delivery) with automatic checkpoints off, and divides the WAL's
 * growth in frames, and the thread's CPU time (user + system: the driver's, SQLite's and the
 * kernel's work for its writes and syncs), by the logs. The checkpoints that later copy those pages
 * into the database file are not counted. The first cases run five times, interleaved, and show
 * the median CPU (frames do not vary); the rest once. Bounded: a few seconds per case.
 */
public class WalFrames {
    static final int FRAME = 4096 + 24;

    public static void main(String[] args) throws Exception {
        // The log committer's batches: ~30 logs at saturation (fsyncs counted against logs accepted).
        Map<String, Case> compared = new LinkedHashMap<>();
        compared.put("batch of 32, as the server writes it on SQLite (one single-row INSERT per log)", new Case(32, true, true, false));
        compared.put("  the logs as one multi-row INSERT … RETURNING per batch (PostgreSQL's way)", new Case(32, true, true, true));
        compared.put("  every log of a batch started at the same moment", new Case(32, true, false, false));
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (int round = 0; round < 5; round++) {
            for (Map.Entry<String, Case> e : compared.entrySet()) {
                results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(run(List.of(), e.getValue(), 600, 400));
            }
        }
        results.forEach((name, runs) -> System.out.println(name + ": " + Result.median(runs)));

        Case wide = new Case(64, true, true, false);
        Result all = run(List.of(), wide, 300, 200);
        System.out.println("batch of 64, every index: " + all);
        for (String index : List.of("request_logs_newest", "request_logs_by_model", "request_logs_by_logged_at",
                "request_properties_lookup", "deliveries_by_webhook", "deliveries_by_webhook_status", "deliveries_by_created_at",
                "deliveries_due", "deliveries_due_by_webhook", "deliveries_by_request")) {
            Result without = run(List.of(index), wide, 300, 200);
            System.out.printf(Locale.ROOT, "  without %-30s %.2f frames (%+.2f), %.1f µs (%+.1f)%n", index, without.frames(),
                    without.frames() - all.frames(), without.cpuMicros(), without.cpuMicros() - all.cpuMicros());
        }
        System.out.println("batch of 64, no deliveries: " + run(List.of(), new Case(64, false, true, false), 300, 200));
        for (int batch : new int[] {8, 16, 32, 128, 256}) {
            System.out.println("batch of " + batch + ": " + run(List.of(), new Case(batch, true, true, false), 19_200 / batch, 12_800 / batch));
        }
    }

    /**
     * What one case writes: logs per commit, whether each gets a delivery, whether their start times
     * spread as real clients' do (else all equal: the start-time indexes only append), and whether the
     * logs go as one multi-row INSERT … RETURNING per batch instead of one single-row INSERT each.
     */
    record Case(int batch, boolean deliveries, boolean spreadStarts, boolean multiRow) {
    }

    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** WAL frames per log, and the writing thread's CPU (user + system, SQLite's and the JDBC driver's) per log. */
    record Result(double frames, double cpuMicros) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f frames (%.1f KiB), %.1f µs CPU per log", frames, frames * FRAME / 1024, cpuMicros);
        }

        /** The run of median CPU, with every run's CPU after it. */
        static String median(List<Result> runs) {
            List<Result> sorted = runs.stream().sorted(java.util.Comparator.comparingDouble(Result::cpuMicros)).toList();
            return sorted.get(sorted.size() / 2) + " (runs: " + String.join(" / ",
                    runs.stream().map(r -> String.format(Locale.ROOT, "%.1f", r.cpuMicros())).toList()) + ")";
        }
    }

    static Result run(List<String> drop, Case kind, int commits, int warm) throws Exception {
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
                exec(c, "PRAGMA synchronous=FULL"); // the server's setting: the CPU figure includes the kernel's work for the syncs
                exec(c, "INSERT INTO organizations (id, name, created_at) VALUES ('org_a', 'a', 0)");
                for (String index : drop) {
                    exec(c, "DROP INDEX " + index);
                }
                c.setAutoCommit(false);
                Writer w = new Writer(c, kind);
                for (int i = 0; i < warm; i++) {
                    w.batch();
                }
                c.setAutoCommit(true);
                exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
                c.setAutoCommit(false);
                Path wal = Path.of(db + "-wal");
                long before = Math.max(32, Files.exists(wal) ? Files.size(wal) : 0);
                long cpu = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < commits; i++) {
                    w.batch();
                }
                long logs = (long) commits * kind.batch();
                return new Result((Files.size(wal) - before) / (double) FRAME / logs,
                        (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000.0 / logs);
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

    /**
     * Batches of logs as the log committer writes them (RequestLogStore.insertAll, DeliveryStore.insertAll:
     * the same statements and values bound), ids shaped as bench/wrk/log.lua's (random within a run).
     */
    static final class Writer {
        static final String COLUMNS = "org_id, id, started_at, ended_at, logged_at, provider, model, user_id, status, prompt_tokens,"
                + " completion_tokens, total_tokens, time_to_first_token_ms, cost, streamed, properties, request_url, request_body,"
                + " response_body, response_text, outcome";
        static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        final Connection c;
        final Case kind;
        final Random random = new Random(17);
        final String nonce = String.format("%08x", new Random().nextInt() & 0x7fffffff);
        final String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(700) + "\"}]}";
        final PreparedStatement log;
        final PreparedStatement property;
        final PreparedStatement delivery;
        long now = System.currentTimeMillis();
        long n;

        Writer(Connection c, Case kind) throws Exception {
            this.c = c;
            this.kind = kind;
            log = kind.multiRow() ? null
                    : c.prepareStatement("INSERT INTO request_logs (" + COLUMNS + ") VALUES " + ROW + " ON CONFLICT (org_id, id) DO NOTHING");
            property = c.prepareStatement("INSERT INTO request_properties (org_id, logged_at, request_id, key, value) VALUES ('org_a', ?, ?, ?, ?)");
            delivery = c.prepareStatement("""
                    INSERT INTO deliveries (id, org_id, webhook_id, request_id, request_logged_at, status, attempts_count,
                        next_attempt_at, lease_until, leased_by, created_at, updated_at)
                    VALUES (?, 'org_a', 'wh_1', ?, ?, 'pending', 0, ?, ?, 'node', ?, ?)""");
        }

        /** One log's values, from parameter {@code p} on. */
        int bind(PreparedStatement s, int p, String id, long started) throws Exception {
            s.setString(p++, "org_a");
            s.setString(p++, id);
            s.setLong(p++, started);
            s.setLong(p++, now - 1);
            s.setLong(p++, now);
            s.setString(p++, "OPENAI");
            s.setString(p++, "gpt-4o");
            s.setString(p++, null);
            s.setInt(p++, 200);
            s.setLong(p++, 13);
            s.setLong(p++, 17);
            s.setLong(p++, 30);
            s.setNull(p++, java.sql.Types.BIGINT);
            s.setDouble(p++, 0.0001);
            s.setBoolean(p++, false);
            s.setString(p++, "{\"scenario\":\"e2e\",\"lane\":\"main\"}");
            s.setString(p++, null);
            s.setString(p++, body);
            s.setString(p++, "{\"choices\":[{\"message\":{\"content\":\"Hi!\"}}]}");
            s.setString(p++, "Hi!");
            s.setString(p++, "completed");
            return p;
        }

        void batch() throws Exception {
            now += 8;
            int batch = kind.batch();
            List<String> ids = new ArrayList<>(batch);
            List<Long> starts = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                n++;
                ids.add(String.format("%s-%04x-%04x-%04x-%012x", nonce, i % 2, random.nextInt(0x10000), random.nextInt(0x10000), n));
                starts.add(kind.spreadStarts() ? now - 200 - random.nextInt(1300) : now - 5);
            }
            if (kind.multiRow()) {
                StringBuilder sql = new StringBuilder("INSERT INTO request_logs (" + COLUMNS + ") VALUES ");
                for (int i = 0; i < batch; i++) {
                    sql.append(i == 0 ? "" : ", ").append(ROW);
                }
                try (PreparedStatement all = c.prepareStatement(sql.append(" ON CONFLICT (org_id, id) DO NOTHING RETURNING org_id, id").toString())) {
                    int p = 1;
                    for (int i = 0; i < batch; i++) {
                        p = bind(all, p, ids.get(i), starts.get(i));
                    }
                    try (var rs = all.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                            rs.getString(2);
                        }
                    }
                }
            } else {
                for (int i = 0; i < batch; i++) {
                    bind(log, 1, ids.get(i), starts.get(i));
                    log.addBatch();
                }
                for (int count : log.executeBatch()) {
                    if (count != 1) {
                        throw new IllegalStateException("a log was not inserted");
                    }
                }
            }
            for (int i = 0; i < batch; i++) {
                for (String[] kv : new String[][] {{"scenario", "e2e"}, {"lane", "main"}}) {
                    property.setLong(1, now);
                    property.setString(2, ids.get(i));
                    property.setString(3, kv[0]);
                    property.setString(4, kv[1]);
                    property.addBatch();
                }
                if (kind.deliveries()) {
                    delivery.setString(1, String.format("msg_%016x%08x", now * 1000 + i, n - batch + i + 1));
                    delivery.setString(2, ids.get(i));
                    delivery.setLong(3, now);
                    delivery.setLong(4, now);
                    delivery.setLong(5, now + 60_000);
                    delivery.setLong(6, now);
                    delivery.setLong(7, now);
                    delivery.addBatch();
                }
            }
            property.executeBatch();
            if (kind.deliveries()) {
                delivery.executeBatch();
            }
            c.commit();
        }
    }
}
