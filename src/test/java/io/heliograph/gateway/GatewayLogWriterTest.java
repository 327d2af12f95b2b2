package io.heliograph.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.ingest.GatewayExchange;
import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.LogAssembler;
import io.heliograph.ingest.LogIdentity;
import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ingest.llm.PriceTable;
import io.heliograph.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Gateway logs written off the caller's path, on a SQLite store: written by close, and counted when given up. */
@Timeout(30)
class GatewayLogWriterTest {
    @TempDir
    Path dir;

    private Database database;
    private RequestLogStore logs;
    private IngestService ingest;
    private String orgId;
    private final AtomicInteger lostSignals = new AtomicInteger();

    @BeforeEach
    void open() {
        database = Database.open(null, dir, Clock.systemUTC());
        logs = new RequestLogStore(database);
        ingest = new IngestService(database, logs, new LogAssembler(PriceTable.load()), List.of());
        ApiKeyStore keys = new ApiKeyStore(database);
        orgId = keys.authenticate(keys.createKey("gateway-writer").key()).orElseThrow().orgId();
    }

    @AfterEach
    void close() {
        ingest.close();
        database.close();
    }

    private static GatewayExchange exchange(String requestId) {
        return exchange(new LogIdentity(Optional.of(requestId), null, Map.of()));
    }

    private static GatewayExchange exchange(LogIdentity identity) {
        return new GatewayExchange(identity, "OPENAI", false, false, "https://api.openai.com/v1/chat/completions", 1_000, 1_500, 1_100L,
                "{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8), "application/json", null, 200,
                "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}".getBytes(StandardCharsets.UTF_8),
                "application/json", null, Outcome.COMPLETED);
    }

    @Test
    void everySubmittedLogIsWrittenByTheTimeItCloses() {
        List<String> ids = java.util.stream.IntStream.range(0, 20).mapToObj(i -> UUID.randomUUID().toString()).toList();
        GatewayLogWriter writer = new GatewayLogWriter(ingest, lostSignals::incrementAndGet);
        ids.forEach(id -> writer.submit(orgId, exchange(id), () -> { }));
        writer.close();

        for (String id : ids) {
            assertThat(logs.find(orgId, id)).as(id).hasValueSatisfying(log -> {
                assertThat(log.orgId()).isEqualTo(orgId);
                assertThat(log.status()).isEqualTo(200);
            });
        }
        assertThat(writer.lost()).isZero();
        assertThat(lostSignals).hasValue(0);
    }

    @Test
    void aLogTheStoreKeepsRefusingIsGivenUpOnceClosingAndCounted() {
        ingest.close(); // from now on every write is refused
        GatewayLogWriter writer = new GatewayLogWriter(ingest, lostSignals::incrementAndGet);
        String id = UUID.randomUUID().toString();
        long start = System.nanoTime();
        writer.submit(orgId, exchange(id), () -> { });
        writer.close();

        assertThat(writer.lost()).isEqualTo(1);
        assertThat(lostSignals).hasValue(1);
        assertThat((System.nanoTime() - start) / 1_000_000).as("three attempts, 100 + 250 ms apart, then given up")
                .isBetween(300L, 9_000L);
        assertThat(logs.find(orgId, id)).isEmpty();
    }

    @Test
    void withAsManyLogsWaitingAsItMayHoldTheWriterHasNoRoomUntilTheyAreWrittenAndEachShareIsReturned() throws Exception {
        java.util.concurrent.CountDownLatch storeBusy = new java.util.concurrent.CountDownLatch(1);
        IngestService stalled = new IngestService(database, logs, new LogAssembler(PriceTable.load()), List.of(
                new IngestService.NewLogHook() {
                    @Override
                    public void onNewLogs(org.jdbi.v3.core.Handle transaction, List<io.heliograph.ingest.RequestLog> written,
                            long loggedAt) {
                        try {
                            storeBusy.await(); // a commit that takes a long time: what follows waits
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        GatewayLogWriter writer = new GatewayLogWriter(stalled, lostSignals::incrementAndGet);
        AtomicInteger returned = new AtomicInteger();
        try {
            assertThat(writer.hasRoom()).isTrue();
            for (int i = 0; i < GatewayLogWriter.MAX_PENDING; i++) {
                writer.submit(orgId, exchange(UUID.randomUUID().toString()), returned::incrementAndGet);
            }
            assertThat(writer.hasRoom()).as("the gateway answers 503 before forwarding now").isFalse();
            assertThat(returned).hasValue(0);
        } finally {
            storeBusy.countDown();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> returned.get() == GatewayLogWriter.MAX_PENDING);
        assertThat(writer.hasRoom()).isTrue();
        writer.close();
        stalled.close();
        assertThat(writer.lost()).isZero();
    }

    @Test
    void aLogSubmittedAfterCloseIsCountedAsLost() {
        GatewayLogWriter writer = new GatewayLogWriter(ingest, lostSignals::incrementAndGet);
        writer.close();
        String id = UUID.randomUUID().toString();
        writer.submit(orgId, exchange(id), () -> { });

        assertThat(writer.lost()).isEqualTo(1);
        assertThat(lostSignals).hasValue(1);
        assertThat(logs.find(orgId, id)).isEmpty();
    }
}
