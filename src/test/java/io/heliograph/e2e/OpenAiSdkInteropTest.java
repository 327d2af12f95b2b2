package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.NodeProject;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official {@code openai} npm client (installed by the test set-up), unchanged, drives the
 * gateway as a Helicone user's app would: base URL and one header changed, nothing else.
 */
class OpenAiSdkInteropTest {
    private static final String OPENAI_KEY = "sk-test-sdk-upstream-key";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theOpenAiNodeSdkWorksThroughTheGateway(StoreKind store) throws Exception {
        NodeProject sdk = NodeProject.named("openai-sdk");
        try (FakeUpstream upstream = new FakeUpstream();
                TestServer server = TestServer.builder(store).loopbackReceivers().openAiBaseUrl(upstream.baseUrl()).start();
                Receiver receiver = new Receiver()) {
            upstream.on("sdk-plain", FakeUpstream.json(200, GatewayTest.CHAT_RESPONSE, "x-request-id", "req_sdk"));
            upstream.on("sdk-stream", FakeUpstream.stream(GatewayTest.chatStream("one", " two", " three"), null, 5));
            upstream.on("sdk-limited", FakeUpstream.json(429,
                    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
            Api api = server.api();
            Webhooks.create(api, receiver.url(), "{}", true);

            NodeProject.Result run = sdk.node("gateway.mjs", Map.of("HELIOGRAPH_URL", server.baseUrl(),
                    "HELIOGRAPH_KEY", TestServer.BOOTSTRAP_KEY, "OPENAI_API_KEY", OPENAI_KEY));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            JsonNode seen = TestJson.parse(run.out().lines().reduce((a, b) -> b).orElseThrow());

            assertThat(seen.get("plainContent").asText()).isEqualTo("Hi!");
            assertThat(seen.get("plainUsage").get("total_tokens").asInt()).isEqualTo(30);
            assertThat(seen.get("streamText").asText()).isEqualTo("one two three");
            assertThat(seen.get("streamUsage").get("completion_tokens").asInt()).isEqualTo(3);
            assertThat(seen.get("upstreamError").get("status").asInt()).isEqualTo(429);
            assertThat(seen.get("upstreamError").get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(seen.get("upstreamError").get("type").asText()).isEqualTo("RateLimitError");
            assertThat(seen.get("gatewayError").get("status").asInt()).isEqualTo(401);
            assertThat(seen.get("gatewayError").get("type").asText()).isEqualTo("AuthenticationError");
            assertThat(upstream.calls("sdk-plain")).hasSize(1);
            assertThat(upstream.calls("sdk-plain").get(0).header("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
            assertThat(upstream.calls("sdk-plain").get(0).header("User-Agent")).startsWith("OpenAI/JS");

            String plainId = seen.get("plainId").asText();
            String streamId = seen.get("streamId").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + plainId).status() == 200
                    && api.get("/v1/request/" + streamId).status() == 200);
            JsonNode plain = api.get("/v1/request/" + plainId).data();
            assertThat(plain.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(plain.get("user_id").asText()).isEqualTo("user_sdk");
            assertThat(plain.get("properties").get("suite").asText()).isEqualTo("sdk");
            assertThat(plain.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
            JsonNode streamed = api.get("/v1/request/" + streamId).data();
            assertThat(streamed.get("streamed").asBoolean()).isTrue();
            assertThat(streamed.get("response").get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("one two three");
            assertThat(streamed.get("metadata").get("totalTokens").asLong()).isEqualTo(12);
            assertThat(streamed.toString()).doesNotContain(OPENAI_KEY);

            // Three exchanges reached the upstream (plain, stream, 429); the bad-key call did not. Each is a webhook.
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            assertThat(receiver.received()).anyMatch(r -> r.text().contains(plainId)).anyMatch(r -> r.text().contains(streamId));
        }
    }
}
