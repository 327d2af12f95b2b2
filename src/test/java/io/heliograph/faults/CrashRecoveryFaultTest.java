package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * At-least-once across a crash: a server process is SIGKILLed while thousands of deliveries are
 * pending or in flight; a new process on the same store delivers every one (duplicates allowed,
 * losses not).
 */
@Tag("fault")
class CrashRecoveryFaultTest {
    private static final int LOGS = 2500;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void everyDeliveryArrivesAfterASigkill(StoreKind kind) throws Exception {
        try (TestServer store = TestServer.start(kind).stopServer(); Receiver receiver = new Receiver()) {
            Map<String, Integer> arrivals = new ConcurrentHashMap<>();
            // Slow at first, so a backlog builds up before the kill.
            receiver.answering(r -> {
                count(arrivals, r);
                return new MockResponse.Builder().code(200).headersDelay(80, TimeUnit.MILLISECONDS).build();
            });
            Set<String> logged = ConcurrentHashMap.newKeySet();
            try (ServerProcess first = ServerProcess.start(store, "--webhook-concurrency", "4", "--retry-schedule", "1s,1s,1s,1s,1s")) {
                Api api = first.api();
                Webhooks.create(api, receiver.url(), "{}", true);
                for (int i = 0; i < LOGS; i++) {
                    String id = UUID.randomUUID().toString();
                    Api.Response r = api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"));
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    logged.add(id);
                }
                assertThat(arrivals.size()).as("a backlog remains when the process dies").isLessThan(LOGS - 1000);
                first.kill();
            }
            int beforeRestart = arrivals.size();
            receiver.answering(r -> {
                count(arrivals, r);
                return Receiver.status(200);
            });
            try (ServerProcess second = ServerProcess.start(store, "--webhook-concurrency", "16")) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> arrivals.keySet().containsAll(logged));
            }
            long duplicates = arrivals.values().stream().filter(n -> n > 1).count();
            System.out.printf("crash test (%s): %d logged, %d delivered before the kill, %d delivered in all, %d lost, %d duplicated%n",
                    kind, logged.size(), beforeRestart, arrivals.size(), logged.size() - arrivals.keySet().stream().filter(logged::contains).count(),
                    duplicates);
            io.heliograph.support.FaultReport.record("one SIGKILL with 2,500 deliveries backlogged", kind, LOGS, logged.size(),
                    arrivals.keySet().stream().filter(logged::contains).count(), duplicates,
                    logged.size() - arrivals.keySet().stream().filter(logged::contains).count(),
                    beforeRestart + " delivered before the kill");
            assertThat(arrivals.keySet()).containsAll(logged);
            assertThat(arrivals.keySet()).hasSize(LOGS);
        }
    }

    private static void count(Map<String, Integer> arrivals, Receiver.Received r) {
        arrivals.merge(r.requestId(), 1, Integer::sum);
    }
}
