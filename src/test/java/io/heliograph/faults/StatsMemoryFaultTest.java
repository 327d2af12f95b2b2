package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.LeanReceiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /v1/webhooks/{id}/stats} over a day of 1,500,000 attempts, served by a process with a
 * 96 MiB heap: the store aggregates (one row per distinct latency), so the answer is exact and the
 * heap never sees the attempts. Reading the day's rows into memory, as the endpoint once did, needs
 * several times that heap and fails.
 */
@Tag("fault")
class StatsMemoryFaultTest {
    private static final int ATTEMPTS = 1_500_000;
    private static final String HEAP = "-Xmx96m";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void statsOverMillionsOfAttemptsAreExactInASmallHeap(StoreKind kind) throws Exception {
        List<ServerProcess> nodes = new java.util.ArrayList<>();
        try (TestServer store = TestServer.builder(kind).start().stopServer();
                AutoCloseable stopNodes = () -> nodes.forEach(ServerProcess::close);
                LeanReceiver receiver = new LeanReceiver(200, Duration.ZERO)) {
            ServerProcess server = ServerProcess.start(List.of(HEAP), store.storeFlags());
            nodes.add(server);
            Api api = new Api("http://127.0.0.1:" + server.port(),
                    ServerProcess.command(store.storeFlags(), "keys", "create", "--org", "stats").trim());
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();

            long now = System.currentTimeMillis();
            long wroteFor = insertAttempts(store, webhookId, now);

            // What the answer must be, from the same formula the rows were made with.
            long[] day = new long[ATTEMPTS];
            long[] hour = new long[ATTEMPTS];
            int dayN = 0;
            int hourN = 0;
            long daySuccesses = 0;
            long hourSuccesses = 0;
            for (int i = 1; i <= ATTEMPTS; i++) {
                boolean ok = i % 4 != 0;
                day[dayN++] = i % 15_000;
                daySuccesses += ok ? 1 : 0;
                if (i % 2 == 0) { // within the last 50 minutes; the odd ones 70 min to 23.4 h ago
                    hour[hourN++] = i % 15_000;
                    hourSuccesses += ok ? 1 : 0;
                }
            }
            Arrays.sort(day, 0, dayN);
            Arrays.sort(hour, 0, hourN);

            long start = System.nanoTime();
            Api.Response answer = api.get("/v1/webhooks/" + webhookId + "/stats");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode stats = answer.data();
            JsonNode lastDay = stats.get("last_day");
            assertThat(lastDay.get("attempts").asLong()).isEqualTo(dayN);
            assertThat(lastDay.get("successes").asLong()).isEqualTo(daySuccesses);
            assertThat(lastDay.get("failures").asLong()).isEqualTo(dayN - daySuccesses);
            assertThat(lastDay.get("p50_latency_ms").asLong()).isEqualTo(rank(day, dayN, 0.50));
            assertThat(lastDay.get("p99_latency_ms").asLong()).isEqualTo(rank(day, dayN, 0.99));
            JsonNode lastHour = stats.get("last_hour");
            assertThat(lastHour.get("attempts").asLong()).isEqualTo(hourN);
            assertThat(lastHour.get("successes").asLong()).isEqualTo(hourSuccesses);
            assertThat(lastHour.get("p50_latency_ms").asLong()).isEqualTo(rank(hour, hourN, 0.50));
            assertThat(lastHour.get("p99_latency_ms").asLong()).isEqualTo(rank(hour, hourN, 0.99));
            assertThat(api.get("/healthz").status()).as("the process is still well").isEqualTo(200);

            FaultReport.record("stats over 1,500,000 attempts of one webhook, server heap " + HEAP.substring(4), kind, 1, 1, 1, 0, 0,
                    String.format("rows written in %d ms; stats answered exactly in %d ms; peak RSS %d MiB", wroteFor, tookMs,
                            server.procStatus("VmHWM") / 1024));
        }
    }

    /** Nearest rank, as the endpoint defines it. */
    private static long rank(long[] sorted, int n, double p) {
        return sorted[(int) Math.max(1, Math.ceil(p * n)) - 1];
    }

    /** The rows, made by the store itself (a recursive count or generate_series); returns how long it took. */
    private static long insertAttempts(TestServer store, String webhookId, long now) throws Exception {
        String url = store.directJdbcUrl();
        boolean sqlite = store.jdbcUrl() == null;
        String numbers = sqlite
                ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                : "WITH n(i) AS (SELECT generate_series(1, ?)) ";
        String insert = "INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, attempted_at, status_code, latency_ms, error) "
                + numbers
                + "SELECT 'stats-' || i, 1, ?, ?, ? - CASE WHEN i % 2 = 0 THEN i % 3000 ELSE 4200 + i % 80000 END * 1000, CASE WHEN i % 4 = 0 THEN 500 ELSE 200 END, i % 15000, "
                + "CASE WHEN i % 4 = 0 THEN 'Destination answered 500 on attempt ' || i ELSE NULL END FROM n";
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            String org;
            try (PreparedStatement q = c.prepareStatement("SELECT org_id FROM webhooks WHERE id = ?")) {
                q.setString(1, webhookId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    org = rs.getString(1);
                }
            }
            try (PreparedStatement q = c.prepareStatement(insert)) {
                q.setInt(1, ATTEMPTS);
                q.setString(2, org);
                q.setString(3, webhookId);
                q.setLong(4, now);
                assertThat(q.executeUpdate()).isEqualTo(ATTEMPTS);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
