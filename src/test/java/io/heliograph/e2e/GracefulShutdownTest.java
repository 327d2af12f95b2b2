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

    /**
     * Once shutdown has begun, a request that still reaches a route is told to come back (503 with
     * Retry-After, and /readyz 503 so load balancers move away) rather than answered 500 by a part
     * that is already closing. Helidon itself refuses new connections and closes idle ones.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRequestDuringShutdownIsAnswered503WithRetryAfter(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            Api api = server.api();
            assertThat(api.get("/v1/webhooks").status()).isEqualTo(200);

            server.heliograph().stopAccepting(); // the first step of close(), which SIGTERM runs

            for (Api.Response r : new Api.Response[] {api.get("/v1/webhooks"),
                    api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod")),
                    api.get("/readyz")}) {
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("1");
            }
            Api.Response log = api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
            assertThat(log.body()).isEqualTo("{\"data\":null,\"error\":\"The server is shutting down; retry shortly\"}");
            assertThat(log.header("Connection")).isEqualTo("close");
            assertThat(api.get("/healthz").status()).as("still alive while it drains").isEqualTo(200);
        }
    }
}
