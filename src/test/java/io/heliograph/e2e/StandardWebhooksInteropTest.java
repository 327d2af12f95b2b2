package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.support.Api;
import io.heliograph.support.NodeProject;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real deliveries, captured by a local receiver, verified by the off-the-shelf npm verifiers
 * {@code standardwebhooks} and {@code svix} with the webhook's {@code signing_secret} — also while a
 * rotated key adds a second signature.
 */
class StandardWebhooksInteropTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void offTheShelfVerifiersAcceptRealDeliveries(StoreKind store) throws Exception {
        NodeProject verifiers = NodeProject.named("webhook-verifiers");
        try (TestServer server = TestServer.builder(store).loopbackReceivers().start(); Receiver receiver = new Receiver()) {
            Api api = server.api();
            JsonNode webhook = Webhooks.create(api, receiver.url(), "{}", true);
            api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            JsonNode rotated = api.post("/v1/webhooks/" + webhook.get("id").asText() + "/rotate-secret", null).data();
            api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o-mini", "prod"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);

            ArrayNode captured = TestJson.MAPPER.createArrayNode();
            String[] secrets = {webhook.get("signing_secret").asText(), rotated.get("signing_secret").asText(),
                    webhook.get("signing_secret").asText()};
            Receiver.Received[] deliveries = {receiver.received().get(0), receiver.received().get(1), receiver.received().get(1)};
            for (int i = 0; i < secrets.length; i++) {
                ObjectNode entry = captured.addObject();
                entry.put("secret", secrets[i]);
                ObjectNode headers = entry.putObject("headers");
                for (String name : new String[] {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
                    headers.put(name, deliveries[i].header(name));
                }
                entry.put("body", deliveries[i].text());
            }
            Path file = Files.createTempFile("deliveries", ".json");
            Files.writeString(file, captured.toString());

            NodeProject.Result run = verifiers.node(Map.of(), "verify.mjs", file.toString());
            Files.deleteIfExists(file);
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            JsonNode results = TestJson.parse(run.out().strip());
            assertThat(results).hasSize(3);
            for (JsonNode r : results) {
                assertThat(r.get("standardwebhooks").asText()).isEqualTo("ok");
                assertThat(r.get("svix").asText()).isEqualTo("ok");
                assertThat(r.get("standardwebhooks_tampered").asText()).isEqualTo("refused");
                assertThat(r.get("svix_tampered").asText()).isEqualTo("refused");
            }
        }
    }
}
