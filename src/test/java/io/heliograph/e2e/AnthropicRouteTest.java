package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the Anthropic route does beyond what the SDK test shows: its log route stays the log route,
 * {@code x-api-key} goes upstream and nowhere else, and the Omit headers hold as on the OpenAI route.
 */
class AnthropicRouteTest {
    private static final String ANTHROPIC_KEY = "sk-ant-api03-x-api-key-route-test";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theLogRouteStaysAndTheKeyIsNeverStored(StoreKind store) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
                TestServer server = TestServer.builder(store).anthropicBaseUrl(upstream.baseUrl()).start()) {
            upstream.on("anthropic-omit", FakeUpstream.json(200, AnthropicSdkInteropTest.MESSAGE));
            Api gateway = new Api(server.baseUrl(), null);
            Map<String, String> headers = Map.of("Helicone-Auth", "Bearer " + TestServer.BOOTSTRAP_KEY,
                    "x-api-key", ANTHROPIC_KEY, "anthropic-version", "2023-06-01", "Helicone-Omit-Response", "true",
                    FakeUpstream.SCENARIO, "anthropic-omit");

            // Not proxied: /anthropic/v1/log is the log route (POST with Authorization), anything else there a 404.
            var put = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/anthropic/v1/log"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
            headers.forEach(put::header);
            put.header("Authorization", "Bearer " + TestServer.BOOTSTRAP_KEY); // the log route's own authentication
            var notProxied = java.net.http.HttpClient.newHttpClient().send(put.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(notProxied.statusCode()).as(notProxied.body()).isEqualTo(404);
            assertThat(upstream.calls()).isEmpty();

            Api.Response r = gateway.postWithHeaders("/anthropic/v1/messages",
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[]}", headers);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(AnthropicSdkInteropTest.MESSAGE);
            FakeUpstream.Call call = upstream.calls("anthropic-omit").get(0);
            assertThat(call.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
            assertThat(call.header("anthropic-version")).isEqualTo("2023-06-01");

            Api api = server.api();
            String id = r.header("Helicone-Id");
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + id).status() == 200);
            JsonNode log = api.get("/v1/request/" + id).data();
            assertThat(log.get("provider").asText()).isEqualTo("ANTHROPIC");
            assertThat(log.get("response").isNull()).as("Helicone-Omit-Response").isTrue();
            assertThat(log.get("metadata").get("completionTokens").asLong()).as("usage still read").isEqualTo(15);
            assertThat(log.toString()).doesNotContain(ANTHROPIC_KEY);
        }
    }
}
