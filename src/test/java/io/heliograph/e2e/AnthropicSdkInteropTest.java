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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official {@code @anthropic-ai/sdk} npm client (installed by the test set-up), unchanged, drives
 * {@code /anthropic/v1/*} as a Helicone user's app would: base URL and one header changed, nothing else.
 * Plain and streamed messages are logged with their model, tokens (cache tokens counted in the prompt
 * and priced as cache) and latency, and each becomes a signed webhook.
 */
class AnthropicSdkInteropTest {
    private static final String ANTHROPIC_KEY = "sk-ant-api03-test-sdk-upstream-key";

    /** A Messages API answer whose prompt was partly written to and partly read from the cache. */
    static final String MESSAGE = "{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"Hi!\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
            + "\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":5,\"output_tokens\":15}}";

    /** Anthropic's event stream: message_start, a text block in pieces, message_delta with the usage, message_stop. */
    static List<byte[]> messageStream(String... pieces) {
        List<String> events = new java.util.ArrayList<>();
        events.add(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_stream\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":1}}}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("ping", "{\"type\": \"ping\"}"));
        for (String piece : pieces) {
            events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + piece + "\"}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + (pieces.length + 4) + "}}")
                + event("message_stop", "{\"type\":\"message_stop\"}"));
        return events.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    static final String RATE_LIMITED = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
            + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theAnthropicNodeSdkWorksThroughTheGateway(StoreKind store) throws Exception {
        NodeProject sdk = NodeProject.named("anthropic-sdk");
        try (FakeUpstream upstream = new FakeUpstream();
                TestServer server = TestServer.builder(store).loopbackReceivers().anthropicBaseUrl(upstream.baseUrl()).start();
                Receiver receiver = new Receiver()) {
            upstream.on("anthropic-plain", FakeUpstream.json(200, MESSAGE, "request-id", "req_plain"));
            upstream.on("anthropic-stream", FakeUpstream.stream(messageStream("one", " two", " three"), null, 5));
            upstream.on("anthropic-limited", FakeUpstream.json(429, RATE_LIMITED, "retry-after", "7"));
            Api api = server.api();
            String hmacKey = Webhooks.create(api, receiver.url(), "{}", true).get("hmac_key").asText();

            NodeProject.Result run = sdk.node("gateway.mjs", Map.of("HELIOGRAPH_URL", server.baseUrl(),
                    "HELIOGRAPH_KEY", TestServer.BOOTSTRAP_KEY, "ANTHROPIC_API_KEY", ANTHROPIC_KEY));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            JsonNode seen = TestJson.parse(run.out().lines().reduce((a, b) -> b).orElseThrow());

            assertThat(seen.get("plainText").asText()).isEqualTo("Hi!");
            assertThat(seen.get("plainUsage").get("cache_read_input_tokens").asInt()).isEqualTo(5);
            assertThat(seen.get("streamText").asText()).isEqualTo("one two three");
            assertThat(seen.get("streamUsage").get("output_tokens").asInt()).isEqualTo(7);
            assertThat(TestJson.MAPPER.convertValue(seen.get("eventTypes"), List.class))
                    .startsWith("message_start", "content_block_start").endsWith("message_delta", "message_stop");
            assertThat(seen.get("upstreamError").get("status").asInt()).isEqualTo(429);
            assertThat(seen.get("upstreamError").get("isRateLimit").asBoolean()).as(seen.toString()).isTrue();
            assertThat(seen.get("upstreamError").get("errorType").asText()).isEqualTo("rate_limit_error");
            assertThat(seen.get("gatewayError").get("status").asInt()).isEqualTo(401);
            assertThat(seen.get("gatewayError").get("isAuthentication").asBoolean()).as(seen.toString()).isTrue();

            // The SDK's credentials and version headers reached the upstream untouched; no Helicone header did.
            FakeUpstream.Call plainCall = upstream.calls("anthropic-plain").get(0);
            assertThat(upstream.calls("anthropic-plain")).hasSize(1);
            assertThat(plainCall.pathAndQuery()).isEqualTo("/v1/messages");
            String auth = plainCall.header("x-api-key") != null ? plainCall.header("x-api-key") : plainCall.header("Authorization");
            assertThat(auth).endsWith(ANTHROPIC_KEY);
            assertThat(plainCall.header("anthropic-version")).isNotBlank();
            assertThat(plainCall.header("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
            assertThat(plainCall.header("User-Agent")).startsWith("Anthropic/JS");
            assertThat(plainCall.headers().keySet()).noneMatch(h -> h.startsWith("helicone-"));

            String plainId = seen.get("plainId").asText();
            String streamId = seen.get("streamId").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + plainId).status() == 200
                    && api.get("/v1/request/" + streamId).status() == 200);
            JsonNode plain = api.get("/v1/request/" + plainId).data();
            assertThat(plain.get("provider").asText()).isEqualTo("ANTHROPIC");
            assertThat(plain.get("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(plain.get("user_id").asText()).isEqualTo("user_claude");
            assertThat(plain.get("properties").get("suite").asText()).isEqualTo("anthropic-sdk");
            JsonNode plainMeta = plain.get("metadata");
            // input 25 + cache written 10 + cache read 5; output 15.
            assertThat(plainMeta.get("promptTokens").asLong()).isEqualTo(40);
            assertThat(plainMeta.get("completionTokens").asLong()).isEqualTo(15);
            assertThat(plainMeta.get("totalTokens").asLong()).isEqualTo(55);
            // claude-sonnet-4-5 per 1M: input $3, cache write $3.75, cache read $0.30, output $15.
            assertThat(plainMeta.get("cost").asDouble()).isCloseTo((25 * 3.00 + 10 * 3.75 + 5 * 0.30 + 15 * 15.00) / 1e6,
                    org.assertj.core.data.Offset.offset(1e-12));
            assertThat(plainMeta.get("latencyMs").asLong()).isBetween(0L, 10_000L);
            assertThat(plain.get("request_url").asText()).isEqualTo(upstream.baseUrl() + "/v1/messages");

            JsonNode streamed = api.get("/v1/request/" + streamId).data();
            assertThat(streamed.get("provider").asText()).isEqualTo("ANTHROPIC");
            assertThat(streamed.get("model").asText()).isEqualTo("claude-haiku-4-5");
            assertThat(streamed.get("streamed").asBoolean()).isTrue();
            assertThat(streamed.get("response").get("content").get(0).get("text").asText()).isEqualTo("one two three");
            assertThat(streamed.get("response").get("model").asText()).isEqualTo("claude-haiku-4-5-20251001");
            JsonNode streamMeta = streamed.get("metadata");
            assertThat(streamMeta.get("promptTokens").asLong()).isEqualTo(12);
            assertThat(streamMeta.get("completionTokens").asLong()).isEqualTo(7);
            assertThat(streamMeta.get("cost").asDouble()).isCloseTo((12 * 1.00 + 7 * 5.00) / 1e6,
                    org.assertj.core.data.Offset.offset(1e-12));
            // Five stream chunks 5 ms apart: the first byte comes before the end.
            assertThat(streamMeta.get("timeToFirstTokenMs").asLong()).isBetween(0L, streamMeta.get("latencyMs").asLong());
            assertThat(streamMeta.get("latencyMs").asLong()).isGreaterThanOrEqualTo(15);
            for (JsonNode log : List.of(plain, streamed)) {
                assertThat(log.toString()).doesNotContain(ANTHROPIC_KEY).doesNotContain(TestServer.BOOTSTRAP_KEY);
            }

            // Three exchanges reached the upstream (plain, stream, 429); the bad-key call did not. Each is a signed webhook.
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            assertThat(receiver.received()).anyMatch(r -> r.text().contains(plainId)).anyMatch(r -> r.text().contains(streamId));
            for (Receiver.Received delivery : receiver.received()) {
                assertThat(delivery.header("Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(delivery.body(), hmacKey));
                assertThat(TestJson.parse(delivery.text()).get("provider").asText()).isEqualTo("ANTHROPIC");
            }
        }
    }
}
