package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.Receiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Five SIGKILLs in a row, each at a random moment, while clients log steadily and deliveries flow.
 * Every log the server acknowledged (200) must be in the store afterwards and must reach the
 * receiver; unacknowledged ones (in flight at the kill) may or may not exist. Duplicates are
 * counted, not forbidden: delivery is at-least-once.
 */
@Tag("fault")
class CrashLoopFaultTest {
    private static final int KILLS = 5;
    private static final int CLIENTS = 4;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void fiveSigkillsUnderSteadyLoadLoseNothingAcknowledged(StoreKind kind) throws Exception {
        Random random = new Random(42 + kind.ordinal());
        try (TestServer store = TestServer.start(kind).stopServer(); Receiver receiver = new Receiver()) {
            Map<String, Integer> arrivals = new ConcurrentHashMap<>();
            receiver.answering(r -> {
                arrivals.merge(r.requestId(), 1, Integer::sum);
                return new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.MILLISECONDS).build();
            });
            String[] flags = {"--webhook-concurrency", "8", "--retry-schedule", "1s,1s,1s,1s,1s,1s,1s,1s"};
            AtomicReference<ServerProcess> server = new AtomicReference<>(ServerProcess.start(store, flags));
            Webhooks.create(server.get().api(), receiver.url(), "{}", true);

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong sent = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new java.util.ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        String id = UUID.randomUUID().toString();
                        sent.incrementAndGet();
                        try {
                            Api.Response r = server.get().api().post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"));
                            if (r.status() == 200) {
                                acknowledged.add(id);
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            refused.incrementAndGet(); // the process died under this call, or is starting
                            sleep(50);
                        }
                        sleep(10);
                    }
                }));
            }
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(1_000 + random.nextInt(2_500));
                server.get().kill();
                server.set(ServerProcess.start(store, flags));
            }
            Thread.sleep(1_000);
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }

            try (ServerProcess last = server.get()) {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> arrivals.keySet().containsAll(acknowledged));
                Set<String> stored = storedIds(last.api());
                Set<String> lostLogs = new HashSet<>(acknowledged);
                lostLogs.removeAll(stored);
                Set<String> lostDeliveries = new HashSet<>(acknowledged);
                lostDeliveries.removeAll(arrivals.keySet());
                long duplicated = arrivals.values().stream().filter(n -> n > 1).count();
                FaultReport.record("5 SIGKILLs at random moments under steady load", kind, sent.get(), acknowledged.size(),
                        arrivals.keySet().stream().filter(acknowledged::contains).count(), duplicated,
                        lostLogs.size() + lostDeliveries.size(),
                        refused.get() + " calls failed while the process was down; "
                                + (stored.size() - acknowledged.size()) + " unacknowledged logs were stored anyway");
                assertThat(lostLogs).as("acknowledged logs missing from the store").isEmpty();
                assertThat(lostDeliveries).as("acknowledged logs never delivered").isEmpty();
                assertThat(acknowledged.size()).as("the load kept going between kills").isGreaterThan(500);
            }
        }
    }

    /** Every log id in the store, read through the API page by page. */
    private static Set<String> storedIds(Api api) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/v1/requests?limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).data();
            page.get("items").forEach(item -> ids.add(item.get("request_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
