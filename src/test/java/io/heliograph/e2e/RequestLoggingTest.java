package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.Logs;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The log routes and reading logs back, over HTTP, on each store. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class RequestLoggingTest {
    private static final long START = 1_768_473_000_000L; // 2026-01-15T10:30:00.000Z

    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.start(store);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Api api() {
        return server.api();
    }

    private static String logged(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("error").isNull()).isTrue();
        String id = r.data().get("request_id").asText();
        assertThat(r.header("Helicone-Id")).isEqualTo(id);
        return id;
    }

    private static JsonNode read(String id) {
        Api.Response r = api().get("/v1/request/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.data();
    }

    @Test
    void aHeliconeLogWithMetaIsStoredWithItsFacts() {
        String requestId = UUID.randomUUID().toString();
        String meta = """
                {"Helicone-Property-Environment":"prod","Helicone-User-Id":"user_123","Helicone-Request-Id":"%s"}"""
                .formatted(requestId);

        String id = logged(api().post("/oai/v1/log", Logs.heliconeOpenAi(meta, START, START + 930)));

        assertThat(id).isEqualTo(requestId);
        JsonNode log = read(id);
        assertThat(log.get("request_id").asText()).isEqualTo(requestId);
        assertThat(log.get("created_at").asText()).isEqualTo("2026-01-15T10:30:00.000Z");
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(log.get("provider").asText()).isEqualTo("OPENAI");
        assertThat(log.get("user_id").asText()).isEqualTo("user_123");
        assertThat(log.get("status").asInt()).isEqualTo(200);
        assertThat(log.get("properties").toString()).isEqualTo("{\"environment\":\"prod\"}");
        JsonNode metadata = log.get("metadata");
        assertThat(metadata.get("promptTokens").asLong()).isEqualTo(13);
        assertThat(metadata.get("completionTokens").asLong()).isEqualTo(17);
        assertThat(metadata.get("totalTokens").asLong()).isEqualTo(30);
        assertThat(metadata.get("latencyMs").asLong()).isEqualTo(930);
        assertThat(metadata.get("cost").asDouble()).isEqualTo(0.0002025);
        assertThat(log.get("request").get("messages").get(0).get("content").asText()).isEqualTo("Say hi");
        assertThat(log.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hi!");
        assertThat(log.get("streamed").asBoolean()).isFalse();
    }

    @Test
    void heliconeHeadersCountFromTheLogCallItselfAndMetaWins() {
        String requestId = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of(
                "Helicone-Property-Team", "search",
                "Helicone-Property-Environment", "staging",
                "Helicone-User-Id", "header-user",
                "Helicone-Request-Id", requestId);
        String meta = "{\"Helicone-Property-Environment\":\"prod\"}";

        String id = logged(api().postWithHeaders("/custom/v1/log", Logs.heliconeOpenAi(meta, START, START + 10), headers));

        assertThat(id).isEqualTo(requestId);
        JsonNode log = read(id);
        assertThat(log.get("properties").toString()).isEqualTo("{\"environment\":\"prod\",\"team\":\"search\"}");
        assertThat(log.get("user_id").asText()).isEqualTo("header-user");
        // The custom route with an OpenAI URL: the URL names the provider.
        assertThat(log.get("provider").asText()).isEqualTo("OPENAI");
    }

    @Test
    void aRepeatedRequestIdIsNotLoggedTwice() {
        String requestId = UUID.randomUUID().toString();
        Api own = server.apiForNewKey("repeat-" + store);
        String body = Logs.heliconeOpenAi("{\"Helicone-Request-Id\":\"" + requestId + "\"}", START, START + 5);

        String first = logged(own.post("/custom/v1/log", body));
        String second = logged(own.post("/custom/v1/log", body.replace("Say hi", "changed")));

        assertThat(first).isEqualTo(requestId).isEqualTo(second);
        JsonNode list = own.get("/v1/requests").data();
        assertThat(list.get("items")).hasSize(1);
        assertThat(own.get("/v1/request/" + requestId).data().get("request").get("messages").get(0).get("content").asText())
                .isEqualTo("Say hi");
    }

    @Test
    void eachRouteSetsItsProvider() {
        String anthropic = """
                {"providerRequest":{"url":"custom-model-nopath","json":{"model":"claude-3-5-sonnet-20241022","max_tokens":10,
                   "messages":[{"role":"user","content":"hi"}]},"meta":{}},
                 "providerResponse":{"status":200,"headers":{},"json":{"id":"msg_1","type":"message","role":"assistant",
                   "model":"claude-3-5-sonnet-20241022","content":[{"type":"text","text":"Hello"}],
                   "usage":{"input_tokens":100,"output_tokens":50}}},
                 "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473001,"milliseconds":500}}}""";
        JsonNode a = read(logged(api().post("/anthropic/v1/log", anthropic)));
        assertThat(a.get("provider").asText()).isEqualTo("ANTHROPIC");
        assertThat(a.get("metadata").get("promptTokens").asLong()).isEqualTo(100);
        assertThat(a.get("metadata").get("completionTokens").asLong()).isEqualTo(50);
        assertThat(a.get("metadata").get("totalTokens").asLong()).isEqualTo(150);
        assertThat(a.get("metadata").get("latencyMs").asLong()).isEqualTo(1500);
        // 100 × $3/M + 50 × $15/M
        assertThat(a.get("metadata").get("cost").asDouble()).isEqualTo(0.00105);

        String google = """
                {"providerRequest":{"url":"https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent",
                   "json":{"contents":[{"parts":[{"text":"hi"}]}]},"meta":{}},
                 "providerResponse":{"status":200,"headers":{},"json":{"candidates":[{"content":{"parts":[{"text":"yo"}]}}],
                   "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6,"totalTokenCount":10}}},
                 "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":200}}}""";
        JsonNode g = read(logged(api().post("/googleapis/v1/log", google)));
        assertThat(g.get("provider").asText()).isEqualTo("GOOGLE");
        assertThat(g.get("model").asText()).isEqualTo("gemini-1.5-pro");
        assertThat(g.get("metadata").get("totalTokens").asLong()).isEqualTo(10);
        assertThat(g.get("metadata").get("cost").isNull()).as("unknown price: no cost, not zero").isTrue();

        String stated = Logs.heliconeOpenAi("{}", START, START + 1).replaceFirst("\\{\"providerRequest\"",
                "{\"provider\":\"anthropic\",\"providerRequest\"");
        assertThat(read(logged(api().post("/custom/v1/log", stated))).get("provider").asText()).isEqualTo("ANTHROPIC");
    }

    @Test
    void aStreamedTextBodyIsReassembledIntoOneResponse() {
        String sse = "data: {\\\"id\\\":\\\"c1\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"role\\\":\\\"assistant\\\",\\\"content\\\":\\\"\\\"}}]}\\n\\n"
                + "data: {\\\"id\\\":\\\"c1\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"Hel\\\"}}]}\\n\\n"
                + "data: {\\\"id\\\":\\\"c1\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"lo\\\"},\\\"finish_reason\\\":\\\"stop\\\"}]}\\n\\n"
                + "data: {\\\"id\\\":\\\"c1\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[],\\\"usage\\\":{\\\"prompt_tokens\\\":8,\\\"completion_tokens\\\":2,\\\"total_tokens\\\":10}}\\n\\n"
                + "data: [DONE]\\n\\n";
        String body = """
                {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions","json":{"model":"gpt-4o-mini","stream":true,
                   "messages":[{"role":"user","content":"hi"}]},"meta":{}},
                 "providerResponse":{"status":200,"headers":{},"json":{},"textBody":"%s"},
                 "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":800},
                   "timeToFirstToken":120}}""".formatted(sse);

        JsonNode log = read(logged(api().post("/oai/v1/log", body)));

        assertThat(log.get("streamed").asBoolean()).isTrue();
        assertThat(log.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hello");
        assertThat(log.get("metadata").get("totalTokens").asLong()).isEqualTo(10);
        assertThat(log.get("metadata").get("timeToFirstTokenMs").asLong()).isEqualTo(120);
        assertThat(log.get("metadata").get("latencyMs").asLong()).isEqualTo(800);
        assertThat(log.get("response_text").asText()).startsWith("data: {").endsWith("data: [DONE]\n\n");
    }

    @Test
    void textBodiesThatAreJsonAreParsedAndOtherTextIsKept() {
        String json = textBodyLog("{\\\"model\\\":\\\"gpt-4o\\\",\\\"usage\\\":{\\\"prompt_tokens\\\":1,\\\"completion_tokens\\\":1}}");
        JsonNode parsed = read(logged(api().post("/custom/v1/log", json)));
        assertThat(parsed.get("response").get("usage").get("prompt_tokens").asInt()).isEqualTo(1);
        assertThat(parsed.get("metadata").get("totalTokens").asLong()).isEqualTo(2);

        JsonNode text = read(logged(api().post("/custom/v1/log", textBodyLog("Error: upstream exploded\\n\\nat line 1"))));
        assertThat(text.get("response").asText()).isEqualTo("Error: upstream exploded\n\nat line 1");
        assertThat(text.get("streamed").asBoolean()).isFalse();
    }

    private static String textBodyLog(String textBody) {
        return """
                {"providerRequest":{"url":"custom-model-nopath","json":{"model":"my-model"},"meta":{}},
                 "providerResponse":{"status":500,"headers":{},"json":{},"textBody":"%s"},
                 "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":1}}}"""
                .formatted(textBody);
    }

    @Test
    void thePlainRouteTakesTheSameFacts() {
        String requestId = UUID.randomUUID().toString();
        String body = Logs.plain(requestId, null, "u-9", "{\"Environment\":\"prod\",\"feature\":\"chat\"}",
                "2026-01-15T10:30:00.000Z", "2026-01-15T10:30:01.250Z");

        String id = logged(api().post("/v1/request/log", body));

        assertThat(id).isEqualTo(requestId);
        JsonNode log = read(id);
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(log.get("provider").asText()).isEqualTo("OPENAI");
        assertThat(log.get("user_id").asText()).isEqualTo("u-9");
        assertThat(log.get("properties").toString()).isEqualTo("{\"environment\":\"prod\",\"feature\":\"chat\"}");
        assertThat(log.get("metadata").get("latencyMs").asLong()).isEqualTo(1250);
        // 1000 × $0.15/M + 2000 × $0.60/M
        assertThat(log.get("metadata").get("cost").asDouble()).isEqualTo(0.00135);

        String generated = logged(api().post("/v1/request/log", Logs.plain(null, "custom-llm", null, "{}",
                "2026-01-15T10:30:00Z", "2026-01-15T10:30:00Z")));
        JsonNode unknown = read(generated);
        assertThat(unknown.get("model").asText()).isEqualTo("custom-llm");
        assertThat(unknown.get("metadata").get("cost").isNull()).isTrue();
    }

    @Test
    void bodiesAreKeptExactlyAsSent() {
        String requestJson = "{ \"model\" : \"gpt-4o\", \"temperature\": 1.50, \"z\": 1, \"a\": \"caf\\u00e9\", \"n\": 12345678901234567890 }";
        String responseJson = "{\"b\":1.0,\"a\":[1e2, -0.0]}";
        String body = """
                {"providerRequest":{"url":"x","json":%s,"meta":{}},
                 "providerResponse":{"status":200,"headers":{},"json":%s},
                 "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":1}}}"""
                .formatted(requestJson, responseJson);

        String id = logged(api().post("/custom/v1/log", body));

        String raw = api().get("/v1/request/" + id).body();
        assertThat(raw).contains("\"request\":" + requestJson).contains("\"response\":" + responseJson);
    }

    @Test
    void bigBodiesAreStoredWhole() {
        String filler = "x".repeat(9 * 1024 * 1024);
        String body = Logs.plain(null, "gpt-4o", null, "{}", "2026-01-15T10:30:00Z", "2026-01-15T10:30:01Z")
                .replace("\"content\":\"hello\"", "\"content\":\"" + filler + "\"");

        String id = logged(api().post("/v1/request/log", body));

        JsonNode log = read(id);
        assertThat(log.get("request").get("messages").get(0).get("content").asText()).hasSize(filler.length()).isEqualTo(filler);
    }

    @Test
    void anotherOrgsLogIsNotFound() {
        String id = logged(api().post("/v1/request/log", Logs.plain(null, "gpt-4o", null, "{}",
                "2026-01-15T10:30:00Z", "2026-01-15T10:30:01Z")));
        Api other = server.apiForNewKey("logs-other-" + store);

        Api.Response r = other.get("/v1/request/" + id);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"Request not found\"}");
        assertThat(other.get("/v1/requests").data().get("items")).isEmpty();
        assertThat(api().get("/v1/request/not-a-uuid").status()).isEqualTo(404);
        assertThat(api().get("/v1/request/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void logRoutesNeedAKey() {
        for (String path : List.of("/custom/v1/log", "/oai/v1/log", "/anthropic/v1/log", "/googleapis/v1/log", "/v1/request/log")) {
            Api.Response r = api().withKey(null).post(path, "{}");
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"Unauthorized\"}");
        }
        assertThat(api().withKey("nope").get("/v1/requests").status()).isEqualTo(401);
    }
}
