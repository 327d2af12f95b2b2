package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stopping the server lets an attempt in flight finish and records it; nothing is left leased. */
class GracefulShutdownTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anAttemptInFlightFinishesAndIsRecorded(StoreKind store) {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().start();
             Receiver receiver = new Receiver().answering(r -> new MockResponse.Builder().code(200)
                     .headersDelay(2, TimeUnit.SECONDS).build())) {
            Api api = server.api();
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            long start = System.nanoTime();
            server.stopServer(); // what SIGTERM's shutdown hook runs
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(tookMillis).as("waited for the attempt, within the 10 s grace").isBetween(500L, 12_000L);
            server.restart();
            var row = server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT status, attempts_count, leased_by FROM deliveries WHERE webhook_id = :id").bind("id", webhookId).mapToMap().one());
            assertThat(row.get("status")).isEqualTo("delivered");
            assertThat(((Number) row.get("attempts_count")).intValue()).isEqualTo(1);
            assertThat(row.get("leased_by")).isNull();
        }
    }
}
