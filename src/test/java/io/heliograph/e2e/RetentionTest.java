package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.ops.Retention;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Logs and deliveries past HELIOGRAPH_RETENTION are removed; younger ones and webhooks stay. */
class RetentionTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aSweepRemovesWhatIsOlderThanTheRetentionAndNothingElse(StoreKind store) throws Exception {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().retention(Duration.ofSeconds(2)).start();
                Receiver receiver = new Receiver()) {
            Api api = server.api();
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String old = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(old, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Thread.sleep(2_100);
            String young = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(young, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);

            Retention.Swept swept = server.heliograph().retention().sweep();

            assertThat(swept.logs()).isEqualTo(1);
            assertThat(swept.deliveries()).isEqualTo(1);
            assertThat(api.get("/v1/request/" + old).status()).isEqualTo(404);
            assertThat(api.get("/v1/request/" + young).status()).isEqualTo(200);
            var items = api.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items");
            assertThat(items).hasSize(1);
            assertThat(items.get(0).toString()).contains(young);
            assertThat(api.get("/v1/webhooks/" + webhookId).status()).as("webhooks are not subject to retention").isEqualTo(200);
            assertThat(server.heliograph().retention().sweep()).isEqualTo(new Retention.Swept(0, 0));
        }
    }
}
