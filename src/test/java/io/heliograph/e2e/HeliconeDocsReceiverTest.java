package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.NodeProject;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A receiver copied from Helicone's webhooks documentation ({@code src/test/node/helicone-docs-receiver})
 * takes real deliveries: it verifies {@code helicone-signature} by re-serialising the parsed body,
 * reads {@code request_id}, {@code request_body}, {@code metadata}, and fetches
 * {@code request_response_url} for {@code request.messages} and {@code response.choices} — for a small
 * request and for one whose JSON text is over Helicone's 10 KB, which arrives as Helicone's notice.
 */
class HeliconeDocsReceiverTest {
    private static final String TOO_LARGE =
            "Body too large for webhook, please fetch the full request and response from Helicone";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aReceiverWrittenFromHeliconesDocsWorksUnchanged(StoreKind store) throws Exception {
        NodeProject project = NodeProject.named("helicone-docs-receiver");
        Path portFile = Files.createTempFile("receiver-port", ".txt");
        Files.delete(portFile);
        try (TestServer server = TestServer.builder(store).loopbackReceivers().start()) {
            Api api = server.api();
            // The receiver needs the webhook's key and the webhook needs the receiver's port: create, then point it there.
            JsonNode webhook = Webhooks.create(api, "http://127.0.0.1:9/", "{}", true);
            CompletableFuture<NodeProject.Result> run = CompletableFuture.supplyAsync(() -> project.node(
                    Map.of("HELICONE_WEBHOOK_SECRET", webhook.get("hmac_key").asText(), "PORT_FILE", portFile.toString(),
                            "EXPECT", "2"), "receiver.mjs"));
            await().atMost(Duration.ofSeconds(30)).until(() -> run.isDone()
                    || Files.exists(portFile) && !Files.readString(portFile).isBlank());
            assertThat(run.isDone()).as(() -> String.valueOf(run.getNow(null))).isFalse();
            String destination = "http://127.0.0.1:" + Files.readString(portFile).strip() + "/webhook";
            assertThat(api.patch("/v1/webhooks/" + webhook.get("id").asText(), "{\"destination\":\"" + destination + "\"}")
                    .status()).isEqualTo(200);

            String small = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(small, "gpt-4o", "prod")).status()).isEqualTo(200);
            String big = UUID.randomUUID().toString();
            String bigContent = "z".repeat(12_000);
            assertThat(api.post("/v1/request/log", Webhooks.log(big, "gpt-4o", "prod")
                    .replace("\"content\":\"hi\"", "\"content\":\"" + bigContent + "\"")).status()).isEqualTo(200);

            NodeProject.Result result = run.get(90, TimeUnit.SECONDS);
            assertThat(result.exit()).as(result.out() + result.err()).isZero();
            JsonNode seen = TestJson.parse(result.out().strip());
            assertThat(seen).as(seen.toString()).hasSize(2);
            JsonNode first = byId(seen, small);
            JsonNode second = byId(seen, big);

            String responseBody = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"yo\"}}],"
                    + "\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":30}}";
            for (JsonNode s : new JsonNode[] {first, second}) {
                assertThat(s.get("signature").asText()).as(s.toString()).isEqualTo("valid");
                assertThat(s.get("link_status").asInt()).isEqualTo(200);
                assertThat(s.get("metadata").get("totalTokens").asInt()).isEqualTo(30);
                assertThat(s.get("response_body").asText()).isEqualTo(responseBody);
                assertThat(s.get("choices").get(0).get("message").get("content").asText()).isEqualTo("yo");
                assertThat(s.get("aiResponse").asText()).isEqualTo("yo");
                assertThat(s.get("messages").get(0).get("role").asText()).isEqualTo("user");
            }
            assertThat(first.get("request_body").asText())
                    .isEqualTo("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":1}");
            assertThat(first.get("messages").get(0).get("content").asText()).isEqualTo("hi");
            // Over 10 KB, request_body is Helicone's notice; the link still serves the whole request.
            assertThat(second.get("request_body").asText()).isEqualTo(TOO_LARGE);
            assertThat(second.get("messages").get(0).get("content").asText()).isEqualTo(bigContent);
            assertThat(second.get("userMessageLength").asInt()).isEqualTo(12_000);
        } finally {
            Files.deleteIfExists(portFile);
        }
    }

    private static JsonNode byId(JsonNode seen, String requestId) {
        for (JsonNode s : seen) {
            if (requestId.equals(s.path("request_id").asText())) {
                return s;
            }
        }
        throw new AssertionError("The receiver saw no delivery of " + requestId + ": " + seen);
    }
}
