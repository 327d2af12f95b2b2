package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FakeResolver;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.NodeProject;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generic gateway {@code /gateway/*}, on each store: the caller names the upstream in
 * {@code Helicone-Target-Url}; the path after {@code /gateway} and the query are appended to it. Bodies
 * are read by their shape, the provider comes from the target's host, and a target that is missing,
 * malformed, or not on HELIOGRAPH_GATEWAY_TARGETS is a 400 before any connection. (The guard's refusals
 * of private targets are rows of {@link SsrfMatrixTest}.)
 *
 * <p>Tests here allow private destinations, since the fake upstream is on loopback; well-known provider
 * names resolve to loopback through the injected resolver, so nothing leaves the machine.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class GenericGatewayTest {
    private static final String PROVIDER_KEY = "sk-compatible-provider-key-7d1e";

    @Parameter
    StoreKind store;

    static FakeUpstream upstream;
    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        upstream = new FakeUpstream();
        FakeResolver dns = FakeResolver.standard().with("api.anthropic.com", "127.0.0.1").with("llm.example.com", "127.0.0.1");
        server = TestServer.builder(store).resolver(dns).loopbackReceivers().start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        upstream.close();
    }

    private static Map<String, String> gatewayHeaders(String key, String target, String scenario) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Helicone-Auth", "Bearer " + key);
        if (target != null) {
            headers.put("Helicone-Target-Url", target);
        }
        headers.put("Authorization", "Bearer " + PROVIDER_KEY);
        headers.put(FakeUpstream.SCENARIO, scenario);
        return headers;
    }

    private static Api.Response send(TestServer to, String key, String path, String body, String target, String scenario) {
        return new Api(to.baseUrl(), null).postWithHeaders(path, body, gatewayHeaders(key, target, scenario));
    }

    @Test
    void theOpenAiNodeSdkWorksThroughTheGenericGateway() throws Exception {
        NodeProject sdk = NodeProject.named("openai-sdk");
        String key = server.keys().createKey("generic-" + UUID.randomUUID()).key();
        Api api = new Api(server.baseUrl(), key);
        try (Receiver receiver = new Receiver()) {
            String hmacKey = Webhooks.create(api, receiver.url(), "{}", true).get("hmac_key").asText();
            upstream.on("generic-plain", FakeUpstream.json(200, GatewayTest.CHAT_RESPONSE));
            upstream.on("generic-stream", FakeUpstream.stream(GatewayTest.chatStream("one", " two"), null, 5));
            String target = upstream.baseUrl() + "/compat";

            NodeProject.Result run = sdk.node("generic-gateway.mjs", Map.of("HELIOGRAPH_URL", server.baseUrl(),
                    "HELIOGRAPH_KEY", key, "PROVIDER_API_KEY", PROVIDER_KEY, "TARGET_URL", target));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            JsonNode seen = TestJson.parse(run.out().lines().reduce((a, b) -> b).orElseThrow());

            assertThat(seen.get("plainContent").asText()).isEqualTo("Hi!");
            assertThat(seen.get("streamText").asText()).isEqualTo("one two");
            assertThat(seen.get("refused").get("status").asInt()).isEqualTo(400);
            assertThat(seen.get("refused").get("type").asText()).isEqualTo("BadRequestError");
            assertThat(upstream.calls("generic-plain")).as("the refused target reached nothing").hasSize(1);
            FakeUpstream.Call call = upstream.calls("generic-plain").get(0);
            assertThat(call.pathAndQuery()).isEqualTo("/compat/v1/chat/completions");
            assertThat(call.header("Authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
            assertThat(call.headers().keySet()).noneMatch(h -> h.startsWith("helicone-"));

            String plainId = seen.get("plainId").asText();
            String streamId = seen.get("streamId").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + plainId).status() == 200
                    && api.get("/v1/request/" + streamId).status() == 200);
            JsonNode plain = api.get("/v1/request/" + plainId).data();
            assertThat(plain.get("provider").asText()).isEqualTo("CUSTOM");
            assertThat(plain.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(plain.get("user_id").asText()).isEqualTo("user_generic");
            assertThat(plain.get("properties").get("suite").asText()).isEqualTo("generic");
            assertThat(plain.get("request_url").asText()).isEqualTo(target + "/v1/chat/completions");
            assertThat(plain.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
            assertThat(plain.get("metadata").get("cost").asDouble()).isEqualTo(0.0002025);
            assertThat(plain.get("metadata").get("latencyMs").asLong()).isBetween(0L, 10_000L);
            JsonNode streamed = api.get("/v1/request/" + streamId).data();
            assertThat(streamed.get("streamed").asBoolean()).isTrue();
            assertThat(streamed.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("one two");
            assertThat(streamed.get("metadata").get("totalTokens").asLong()).isEqualTo(11);
            assertThat(streamed.toString()).doesNotContain(PROVIDER_KEY);

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            for (Receiver.Received delivery : receiver.received()) {
                assertThat(delivery.header("Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(delivery.body(), hmacKey));
                assertThat(TestJson.parse(delivery.text()).get("provider").asText()).isEqualTo("CUSTOM");
            }
            assertThat(receiver.received()).anyMatch(r -> r.text().contains(plainId)).anyMatch(r -> r.text().contains(streamId));
        }
    }

    @Test
    void aKnownHostNamesTheProviderAndAnAnthropicBodyIsReadByItsShape() {
        String key = server.keys().createKey("generic-" + UUID.randomUUID()).key();
        Api api = new Api(server.baseUrl(), key);
        upstream.on("generic-anthropic", FakeUpstream.json(200, AnthropicSdkInteropTest.MESSAGE));
        // api.anthropic.com resolves to the fake upstream on loopback through the injected resolver.
        String target = "http://api.anthropic.com:" + upstream.baseUrl().replaceAll(".*:", "") + "/base/";
        Api.Response r = send(server, key, "/gateway/v1/messages?beta=true",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[]}", target, "generic-anthropic");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(AnthropicSdkInteropTest.MESSAGE);
        FakeUpstream.Call call = upstream.calls("generic-anthropic").get(0);
        assertThat(call.pathAndQuery()).isEqualTo("/base/v1/messages?beta=true");
        assertThat(call.header("Host")).startsWith("api.anthropic.com");
        String id = r.header("Helicone-Id");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + id).status() == 200);
        JsonNode log = api.get("/v1/request/" + id).data();
        assertThat(log.get("provider").asText()).isEqualTo("ANTHROPIC");
        assertThat(log.get("metadata").get("promptTokens").asLong()).isEqualTo(40);
        assertThat(log.get("metadata").get("completionTokens").asLong()).isEqualTo(15);
        assertThat(log.get("request_url").asText()).isEqualTo("http://api.anthropic.com:"
                + upstream.baseUrl().replaceAll(".*:", "") + "/base/v1/messages?beta=true");
    }

    @Test
    void aMissingOrMalformedTargetIsA400BeforeAnyConnection() {
        String key = server.keys().createKey("generic-" + UUID.randomUUID()).key();
        int before = upstream.calls().size();
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("missing", null);
        targets.put("blank", "  ");
        targets.put("not a URL", "not a url");
        targets.put("no scheme", "127.0.0.1:" + upstream.baseUrl().replaceAll(".*:", ""));
        targets.put("ftp", "ftp://files.example.com");
        targets.put("query", upstream.baseUrl() + "/?key=1");
        targets.put("fragment", upstream.baseUrl() + "/#x");
        targets.put("user info", "http://user:pw@127.0.0.1:" + upstream.baseUrl().replaceAll(".*:", ""));
        targets.put("unresolvable", "https://nowhere.heliograph-test.example");
        Map<String, String> observed = new LinkedHashMap<>();
        for (var t : targets.entrySet()) {
            Api.Response r = send(server, key, "/gateway/v1/chat/completions", "{\"model\":\"gpt-4o\"}", t.getValue(), "generic-none");
            boolean envelope = r.status() == 400 && r.json().get("data").isNull() && r.error().startsWith("Helicone-Target-Url");
            observed.put(t.getKey(), envelope ? "400" : r.status() + " " + r.body());
        }
        assertThat(observed).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo("400"));
        assertThat(upstream.calls().size()).isEqualTo(before);
        // Without a Helicone key, the gateway says nothing about targets.
        Api.Response unauthenticated = send(server, "hg_wrong", "/gateway/v1/chat/completions", "{}", upstream.baseUrl(), "generic-none");
        assertThat(unauthenticated.status()).isEqualTo(401);
    }

    @Test
    void aRedirectIsPassedBackNotFollowed() {
        String key = server.keys().createKey("generic-" + UUID.randomUUID()).key();
        try (FakeUpstream elsewhere = new FakeUpstream()) {
            upstream.on("generic-redirect", FakeUpstream.json(307, "{}", "Location", elsewhere.baseUrl() + "/v1/chat/completions"));
            Api.Response r = send(server, key, "/gateway/v1/chat/completions", "{}", upstream.baseUrl(), "generic-redirect");
            assertThat(r.status()).isEqualTo(307);
            assertThat(r.header("Location")).isEqualTo(elsewhere.baseUrl() + "/v1/chat/completions");
            assertThat(elsewhere.calls()).isEmpty();
        }
    }

    @Test
    void gatewayTargetsRestrictTheHostsACallerMayName() {
        FakeResolver dns = FakeResolver.standard().with("llm.example.com", "127.0.0.1");
        try (TestServer restricted = TestServer.builder(store).resolver(dns).loopbackReceivers()
                .gatewayTargets("api.together.xyz, *.example.com").start()) {
            upstream.on("generic-listed", FakeUpstream.json(200, GatewayTest.CHAT_RESPONSE));
            String port = upstream.baseUrl().replaceAll(".*:", "");
            Api.Response unlisted = send(restricted, TestServer.BOOTSTRAP_KEY, "/gateway/v1/chat/completions", "{}",
                    "http://127.0.0.1:" + port, "generic-listed");
            assertThat(unlisted.status()).as(unlisted.body()).isEqualTo(400);
            assertThat(unlisted.json().get("data").isNull()).isTrue();
            assertThat(unlisted.error()).isEqualTo("Helicone-Target-Url refused: host is not among the gateway targets this server allows");
            assertThat(upstream.calls("generic-listed")).isEmpty();

            Api.Response listed = send(restricted, TestServer.BOOTSTRAP_KEY, "/gateway/v1/chat/completions", "{}",
                    "http://llm.example.com:" + port, "generic-listed");
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            assertThat(upstream.calls("generic-listed")).hasSize(1);
        }
    }
}
