package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.HostileReceiver;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of bad receiver at once, beside a healthy one, in one organization: 500s, 429 with
 * Retry-After, 410, a hang, a connection reset, a gigabyte answer, a redirect to the metadata
 * address, a trickle of one byte a second. Each is handled as the spec says; none can exhaust the
 * server's memory or threads; the healthy webhook gets every log at once.
 */
@Tag("fault")
class HostileReceiversFaultTest {
    private static final int LOGS = 20;

    private static JsonNode attempts(Api api, String webhookId) {
        List<JsonNode> all = new ArrayList<>();
        api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=500").data().get("items")
                .forEach(d -> d.get("attempts").forEach(all::add));
        return TestJson.tree(all);
    }

    /** Platform threads by name with digits removed, most numerous first. */
    private static Map<String, Long> threadGroups() {
        Map<String, Long> groups = new java.util.TreeMap<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> !t.isVirtual())
                .forEach(t -> groups.merge(t.getName().replaceAll("[0-9]+", "#"), 1L, Long::sum));
        return groups;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void badReceiversAreHandledAndCannotHurtTheServerOrAHealthyWebhook(StoreKind kind) throws Exception {
        try (TestServer server = TestServer.builder(kind).loopbackReceivers().retrySchedule("1s,1s").start();
                Receiver healthy = new Receiver();
                Receiver failing = new Receiver().answering(r -> Receiver.status(500));
                Receiver limiting = new Receiver().answering(r -> new MockResponse.Builder().code(429)
                        .addHeader("Retry-After", "3").build());
                Receiver gone = new Receiver().answering(r -> Receiver.status(410));
                Receiver redirecting = new Receiver().answering(r -> new MockResponse.Builder().code(302)
                        .addHeader("Location", "http://169.254.169.254/latest/meta-data/").build());
                HostileReceiver hang = new HostileReceiver(HostileReceiver.Mode.HANG);
                HostileReceiver reset = new HostileReceiver(HostileReceiver.Mode.RESET);
                HostileReceiver gigabyte = new HostileReceiver(HostileReceiver.Mode.GIGABYTE);
                HostileReceiver trickle = new HostileReceiver(HostileReceiver.Mode.TRICKLE)) {
            Api api = server.apiForNewKey("hostile-" + UUID.randomUUID());
            Map<String, String> ids = new HashMap<>();
            ids.put("healthy", Webhooks.create(api, healthy.url(), "{}", true).get("id").asText());
            ids.put("500", Webhooks.create(api, failing.url(), "{}", true).get("id").asText());
            ids.put("429", Webhooks.create(api, limiting.url(), "{}", true).get("id").asText());
            ids.put("410", Webhooks.create(api, gone.url(), "{}", true).get("id").asText());
            ids.put("redirect", Webhooks.create(api, redirecting.url(), "{}", true).get("id").asText());
            ids.put("hang", Webhooks.create(api, hang.url(), "{}", true).get("id").asText());
            ids.put("reset", Webhooks.create(api, reset.url(), "{}", true).get("id").asText());
            ids.put("gigabyte", Webhooks.create(api, gigabyte.url(), "{}", true).get("id").asText());
            ids.put("trickle", Webhooks.create(api, trickle.url(), "{}", true).get("id").asText());
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            long heapBefore = usedHeapAfterGc();

            Map<String, Long> loggedAt = new ConcurrentHashMap<>();
            for (int i = 0; i < LOGS; i++) {
                String id = UUID.randomUUID().toString();
                // From the moment the log is sent: its delivery may arrive before the answer does.
                loggedAt.put(id, System.currentTimeMillis());
                assertThat(api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod")).status()).isEqualTo(200);
            }

            // The healthy webhook: every log, promptly, whatever the others are doing.
            await().atMost(Duration.ofSeconds(10)).until(() -> healthy.received().size() >= LOGS);
            List<Long> healthyLatency = new ArrayList<>();
            healthy.received().forEach(r -> {
                String id = r.text().replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1");
                healthyLatency.add(r.receivedAtMillis() - loggedAt.getOrDefault(id, r.receivedAtMillis()));
            });
            Collections.sort(healthyLatency);
            long healthyMax = healthyLatency.get(healthyLatency.size() - 1);

            // 500: the schedule (3 attempts), then failed and replayable.
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/webhooks/" + ids.get("500")
                    + "/deliveries?status=failed").data().get("items").size() == LOGS);
            assertThat(failing.received()).hasSize(LOGS * 3);
            // 429 + Retry-After 3: the second attempt waits 3 s, not the scheduled 1 s.
            await().atMost(Duration.ofSeconds(20)).until(() -> limiting.received().size() >= LOGS * 2);
            Map<String, List<Long>> byRequest = new HashMap<>();
            limiting.received().forEach(r -> byRequest.computeIfAbsent(r.header("webhook-id"), k -> new ArrayList<>())
                    .add(r.receivedAtMillis()));
            byRequest.values().stream().filter(times -> times.size() >= 2)
                    .forEach(times -> assertThat(times.get(1) - times.get(0)).isGreaterThanOrEqualTo(2_900));
            // 410: the webhook is disabled, with a reason, after one attempt.
            await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/v1/webhooks/" + ids.get("410")).data().get("enabled").asBoolean());
            assertThat(api.get("/v1/webhooks/" + ids.get("410")).data().get("disabled_reason").asText()).contains("410");
            // Redirect: recorded as a 302, never followed (the guard would refuse 169.254.169.254 anyway).
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts(api, ids.get("redirect")).size() >= LOGS);
            assertThat(attempts(api, ids.get("redirect")).findValuesAsText("status_code")).containsOnly("302");
            // Reset: a failed attempt with no status, retried.
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts(api, ids.get("reset")).size() >= LOGS);
            attempts(api, ids.get("reset")).forEach(a -> {
                assertThat(a.get("status_code").isNull()).isTrue();
                assertThat(a.get("error").asText()).isNotBlank();
            });
            // A gigabyte answer: at most 1 MiB is read, then the connection is dropped.
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts(api, ids.get("gigabyte")).size() >= LOGS);
            JsonNode big = attempts(api, ids.get("gigabyte"));
            big.forEach(a -> assertThat(a.get("error").asText()).contains("cut off"));
            long gigabyteBytes = gigabyte.bytesWritten();
            assertThat(gigabyteBytes).as("bytes the receiver got out before being cut off, for %d attempts", big.size())
                    .isLessThan((long) gigabyte.connections() * 16 * 1024 * 1024);
            // Hang and trickle: cut at the 15 s limit of a whole exchange.
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts(api, ids.get("hang")).size() >= 1
                    && attempts(api, ids.get("trickle")).size() >= 1);
            for (String slow : List.of("hang", "trickle")) {
                JsonNode first = attempts(api, ids.get(slow)).get(0);
                assertThat(first.get("error").asText()).containsIgnoringCase("time");
                assertThat(first.get("latency_ms").asLong()).isBetween(14_000L, 20_000L);
            }
            assertThat(trickle.bytesWritten()).isLessThan(100L * trickle.connections());

            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            long heapAfter = usedHeapAfterGc();
            FaultReport.record("hostile receivers (500, 429+Retry-After, 410, hang, reset, 1 GiB, redirect, trickle) beside a healthy one",
                    kind, LOGS, LOGS, healthy.received().size(), Math.max(0, healthy.received().size() - LOGS),
                    LOGS - healthy.received().stream().map(r -> r.header("webhook-id")).distinct().count(),
                    "healthy max latency (log sent → received) " + healthyMax + " ms; 1 GiB receiver wrote " + gigabyteBytes / 1024 + " KiB over "
                            + gigabyte.connections() + " connections; platform threads " + threadsBefore + " -> " + threadsAfter
                            + "; heap after GC " + heapBefore / 1_048_576 + " -> " + heapAfter / 1_048_576 + " MiB");
            assertThat(healthyMax).as("the healthy webhook was not held up").isLessThan(5_000);
            // Bounded, not constant: the test's own MockWebServer receivers live in this JVM too, and
            // the HTTP client's pool grows to its cap (200) under many slow connections.
            System.out.println("platform threads by name: " + threadGroups());
            assertThat(threadsAfter).as("platform threads in the whole test JVM").isLessThan(400);
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(256L * 1024 * 1024);
        }
    }
}
