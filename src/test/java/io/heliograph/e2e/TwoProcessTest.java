package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one PostgreSQL share the outbox: every delivery is sent, and none by
 * both (claims use FOR UPDATE SKIP LOCKED under leases).
 */
class TwoProcessTest {
    private static final int LOGS = 1500;

    @Test
    void everyDeliveryIsSentOnceByOneOfTwoProcesses() throws Exception {
        try (TestServer store = TestServer.start(StoreKind.POSTGRES).stopServer(); Receiver receiver = new Receiver()) {
            Map<String, Integer> byDeliveryId = new ConcurrentHashMap<>();
            Set<String> requestIds = ConcurrentHashMap.newKeySet();
            receiver.answering(r -> {
                byDeliveryId.merge(r.header("webhook-id"), 1, Integer::sum);
                requestIds.add(TestJson.parse(r.body()).get("request_id").asText());
                return new MockResponse.Builder().code(200).headersDelay(2, TimeUnit.MILLISECONDS).build();
            });
            try (ServerProcess a = ServerProcess.start(store); ServerProcess b = ServerProcess.start(store)) {
                Webhooks.create(a.api(), receiver.url(), "{}", true);
                Set<String> logged = ConcurrentHashMap.newKeySet();
                Api[] apis = {a.api(), b.api()};
                for (int i = 0; i < LOGS; i++) {
                    String id = UUID.randomUUID().toString();
                    assertThat(apis[i % 2].post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod")).status()).isEqualTo(200);
                    logged.add(id);
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> requestIds.containsAll(logged));
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> byDeliveryId.size() == LOGS);
                long sentTwice = byDeliveryId.values().stream().filter(n -> n > 1).count();
                System.out.printf("two processes: %d logs, %d deliveries received, %d sent twice%n", LOGS, byDeliveryId.size(), sentTwice);
                assertThat(byDeliveryId).hasSize(LOGS);
                assertThat(sentTwice).isZero();
            }
        }
    }
}
