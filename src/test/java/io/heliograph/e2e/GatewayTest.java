package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway as an app meets it: an OpenAI-style call to {@code /oai/v1/*} goes to a fake upstream
 * and back byte for byte, streams chunk by chunk, and each exchange — whole, failed, timed out or
 * abandoned — becomes a log and a signed webhook. On each store.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class GatewayTest {
    private static final String OPENAI_KEY = "sk-proj-secret-upstream-key-4f2a9c";
    private static final Duration GATEWAY_TIMEOUT = Duration.ofSeconds(2);
    private static final String CHAT_REQUEST = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],"
            + "\"temperature\":1.0}";
    static final String CHAT_RESPONSE = "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1736937000,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":30}}";

    @Parameter
    StoreKind store;

    static FakeUpstream upstream;
    static TestServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Receiver receiver;
    private String key;
    private Api api;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        upstream = new FakeUpstream();
        server = TestServer.builder(store).loopbackReceivers().openAiBaseUrl(upstream.baseUrl())
                .gatewayTimeout(GATEWAY_TIMEOUT).start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        upstream.close();
    }

    /** Each test: its own organization, key and receiving webhook. */
    @BeforeEach
    void freshOrg() {
        key = server.keys().createKey("org-" + UUID.randomUUID()).key();
        api = new Api(server.baseUrl(), key);
        receiver = new Receiver();
        Webhooks.create(api, receiver.url(), "{}", true);
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    static List<byte[]> chatStream(String... pieces) {
        String head = "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1736937000,\"model\":\"gpt-4o-mini-2024-07-18\",";
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
        for (String piece : pieces) {
            chunks.add(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},"
                    + "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        chunks.add(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":" + pieces.length
                + ",\"total_tokens\":" + (9 + pieces.length) + "}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        return chunks;
    }

    static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private HttpRequest.Builder gateway(String path, String scenario) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Helicone-Auth", "Bearer " + key)
                .header("Authorization", "Bearer " + OPENAI_KEY)
                .header(FakeUpstream.SCENARIO, scenario);
    }

    private HttpResponse<byte[]> post(HttpRequest.Builder request, String body) throws Exception {
        return http.send(request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The log, once the gateway has written it (it does so after the exchange, off the caller's path). */
    private JsonNode logOf(String requestId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + requestId).status() == 200);
        return api.get("/v1/request/" + requestId).data();
    }

    private JsonNode webhookFor(String requestId) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.text().contains(requestId)));
        Receiver.Received r = receiver.received().stream().filter(x -> x.text().contains(requestId)).findFirst().orElseThrow();
        String hmac = api.get("/v1/webhooks").data().get(0).get("hmac_key").asText();
        assertThat(r.header("X-Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(r.body(), hmac));
        assertThat(r.text()).doesNotContain(OPENAI_KEY);
        return TestJson.parse(r.body());
    }

    @Test
    void aCallPassesThroughByteForByteAndBecomesALogAndAWebhook() throws Exception {
        upstream.on("plain", FakeUpstream.json(200, CHAT_RESPONSE, "x-request-id", "req_abc123",
                "openai-processing-ms", "412", "Set-Cookie", "a=1; Path=/", "Set-Cookie", "b=2; Path=/"));

        HttpResponse<byte[]> res = post(gateway("/oai/v1/chat/completions?api-version=2&x=%20y", "plain")
                .header("Helicone-Property-Environment", "prod")
                .header("Helicone-Property-Team", "search")
                .header("Helicone-User-Id", "user_9")
                .header("Helicone-Cache-Enabled", "true")
                .header("OpenAI-Organization", "org-abc")
                .header("User-Agent", "OpenAI/JS 5.23.2"), CHAT_REQUEST);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(CHAT_RESPONSE);
        assertThat(res.headers().firstValue("x-request-id")).hasValue("req_abc123");
        assertThat(res.headers().firstValue("openai-processing-ms")).hasValue("412");
        assertThat(res.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2; Path=/");
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);

        FakeUpstream.Call call = upstream.calls("plain").get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.pathAndQuery()).isEqualTo("/v1/chat/completions?api-version=2&x=%20y");
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        assertThat(call.header("OpenAI-Organization")).isEqualTo("org-abc");
        assertThat(call.header("User-Agent")).isEqualTo("OpenAI/JS 5.23.2");
        assertThat(call.header("Content-Type")).isEqualTo("application/json");
        assertThat(call.text()).isEqualTo(CHAT_REQUEST);
        assertThat(call.headers().keySet()).noneMatch(name -> name.startsWith("helicone-"));
        assertThat(call.header("Accept-Encoding")).as("the gateway asks for no encoding the caller did not").isNull();

        JsonNode log = logOf(id);
        assertThat(log.get("provider").asText()).isEqualTo("OPENAI");
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(log.get("status").asInt()).isEqualTo(200);
        assertThat(log.get("outcome").asText()).isEqualTo("completed");
        assertThat(log.get("streamed").asBoolean()).isFalse();
        assertThat(log.get("user_id").asText()).isEqualTo("user_9");
        assertThat(log.get("properties").toString()).isEqualTo("{\"environment\":\"prod\",\"team\":\"search\"}");
        assertThat(log.get("request_url").asText()).isEqualTo(upstream.baseUrl() + "/v1/chat/completions?api-version=2&x=%20y");
        assertThat(log.get("metadata").get("promptTokens").asLong()).isEqualTo(13);
        assertThat(log.get("metadata").get("completionTokens").asLong()).isEqualTo(17);
        assertThat(log.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
        assertThat(log.get("metadata").get("cost").asDouble()).isPositive();
        assertThat(log.get("metadata").get("latencyMs").asLong()).isBetween(0L, 10_000L);
        // The exact text that passed, "1.0" and all.
        assertThat(log.get("request").toString()).contains("\"temperature\":1.0");
        assertThat(log.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hi!");
        assertThat(log.toString()).doesNotContain(OPENAI_KEY);

        JsonNode payload = webhookFor(id);
        assertThat(payload.get("request_id").asText()).isEqualTo(id);
        assertThat(payload.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(payload.get("provider").asText()).isEqualTo("OPENAI");
        assertThat(payload.get("properties").get("user_id").asText()).isEqualTo("user_9");
        assertThat(payload.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
        assertThat(payload.has("outcome")).as("a completed exchange keeps Helicone's payload shape").isFalse();
    }

    @Test
    void aStreamReachesTheCallerChunkByChunkAndIsReassembledForTheLog() throws Exception {
        List<byte[]> chunks = chatStream("Hello", " world", "!");
        FakeUpstream.Gate gate = new FakeUpstream.Gate(chunks.size());
        upstream.on("stream", FakeUpstream.stream(chunks, gate, 0, "x-request-id", "req_stream"));

        HttpResponse<InputStream> res = http.send(gateway("/oai/v1/chat/completions", "stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = res.body()) {
            // The upstream holds every chunk after the first until the test lets it go: the first one
            // can only be here if the gateway passed it on alone, without waiting for the rest.
            byte[] first = in.readNBytes(chunks.get(0).length);
            assertThat(first).isEqualTo(chunks.get(0));
            got.writeBytes(first);
            for (int i = 1; i < chunks.size(); i++) {
                gate.open(i);
                byte[] next = in.readNBytes(chunks.get(i).length);
                assertThat(next).isEqualTo(chunks.get(i));
                got.writeBytes(next);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(got.toByteArray()).isEqualTo(concat(chunks));

        JsonNode log = logOf(id);
        assertThat(log.get("streamed").asBoolean()).isTrue();
        assertThat(log.get("outcome").asText()).isEqualTo("completed");
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(log.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hello world!");
        assertThat(log.get("metadata").get("promptTokens").asLong()).isEqualTo(9);
        assertThat(log.get("metadata").get("completionTokens").asLong()).isEqualTo(3);
        assertThat(log.get("metadata").get("timeToFirstTokenMs").isNumber()).isTrue();
        assertThat(log.get("metadata").get("timeToFirstTokenMs").asLong())
                .isLessThanOrEqualTo(log.get("metadata").get("latencyMs").asLong());
        assertThat(log.get("response_text").asText()).isEqualTo(new String(concat(chunks), StandardCharsets.UTF_8));

        JsonNode payload = webhookFor(id);
        assertThat(payload.get("metadata").get("totalTokens").asLong()).isEqualTo(12);
        assertThat(payload.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hello world!");
    }

    @Test
    void compressedBodiesPassAsTheyAreAndAreDecodedForTheLog() throws Exception {
        byte[] gzJson = FakeUpstream.gzip(CHAT_RESPONSE.getBytes(StandardCharsets.UTF_8));
        upstream.on("gzip-json", FakeUpstream.body(200, "application/json", gzJson, "Content-Encoding", "gzip"));
        byte[] gzStream = FakeUpstream.gzip(concat(chatStream("zip", "ped")));
        upstream.on("gzip-stream", FakeUpstream.body(200, "text/event-stream", gzStream, "Content-Encoding", "gzip"));

        HttpResponse<byte[]> json = post(gateway("/oai/v1/chat/completions", "gzip-json").header("Accept-Encoding", "gzip"),
                CHAT_REQUEST);
        assertThat(json.body()).isEqualTo(gzJson);
        assertThat(json.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(json.body()).isEqualTo(gzJson);
        assertThat(upstream.calls("gzip-json").get(0).header("Accept-Encoding")).isEqualTo("gzip");
        HttpResponse<byte[]> stream = post(gateway("/oai/v1/chat/completions", "gzip-stream").header("Accept-Encoding", "gzip"),
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}");
        assertThat(stream.body()).isEqualTo(gzStream);

        JsonNode jsonLog = logOf(json.headers().firstValue("Helicone-Id").orElseThrow());
        assertThat(jsonLog.get("response").toString()).isEqualTo(TestJson.parse(CHAT_RESPONSE).toString());
        assertThat(jsonLog.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
        JsonNode streamLog = logOf(stream.headers().firstValue("Helicone-Id").orElseThrow());
        assertThat(streamLog.get("streamed").asBoolean()).isTrue();
        assertThat(streamLog.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("zipped");
        webhookFor(json.headers().firstValue("Helicone-Id").orElseThrow());
    }

    @Test
    void anUpstreamErrorIsTheUpstreamsOwnAnswerAndIsLogged() throws Exception {
        String error = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";
        upstream.on("limited", FakeUpstream.json(429, error, "retry-after", "3"));

        HttpResponse<byte[]> res = post(gateway("/oai/v1/chat/completions", "limited"), CHAT_REQUEST);
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(error);
        assertThat(res.headers().firstValue("retry-after")).hasValue("3");
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();

        JsonNode log = logOf(id);
        assertThat(log.get("status").asInt()).isEqualTo(429);
        assertThat(log.get("outcome").asText()).isEqualTo("completed");
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(log.get("response").get("error").get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(webhookFor(id).get("status").asInt()).isEqualTo(429);

        // OpenAI's 401 for a bad key has no WWW-Authenticate: it must still be OpenAI's own answer.
        String badKey = "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_api_key\"}}";
        upstream.on("bad-openai-key", FakeUpstream.json(401, badKey));
        HttpResponse<byte[]> unauthorized = post(gateway("/oai/v1/chat/completions", "bad-openai-key"), CHAT_REQUEST);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(new String(unauthorized.body(), StandardCharsets.UTF_8)).isEqualTo(badKey);
        assertThat(logOf(unauthorized.headers().firstValue("Helicone-Id").orElseThrow()).get("status").asInt()).isEqualTo(401);
    }

    @Test
    void anUpstreamThatSaysNothingIsA504OfTheGatewaysOwn() throws Exception {
        upstream.on("hang", FakeUpstream.silence(GATEWAY_TIMEOUT.toMillis() + 3_000));

        long start = System.nanoTime();
        HttpResponse<byte[]> res = post(gateway("/oai/v1/chat/completions", "hang"), CHAT_REQUEST);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(new String(res.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"data\":null,\"error\":\"Upstream timed out: nothing received for 2 s\"}");
        assertThat(tookMs).as("waited for the gateway timeout, not for the upstream").isGreaterThanOrEqualTo(1_900);
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();

        JsonNode log = logOf(id);
        assertThat(log.get("status").asInt()).isEqualTo(504);
        assertThat(log.get("outcome").asText()).isEqualTo("upstream_timeout");
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(log.get("metadata").get("latencyMs").asLong()).isGreaterThanOrEqualTo(1_900);
        JsonNode payload = webhookFor(id);
        assertThat(payload.get("status").asInt()).isEqualTo(504);
        assertThat(payload.get("outcome").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void aCallerThatLeavesMidStreamCancelsTheUpstreamAndLeavesACancelledLog() throws Exception {
        List<byte[]> chunks = new ArrayList<>(chatStream());
        for (int i = 0; i < 200; i++) {
            chunks.add(1, ("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w\"},\"finish_reason\":null}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        upstream.on("leave", FakeUpstream.stream(chunks, null, 50));
        String id = UUID.randomUUID().toString();
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}";

        try (Socket socket = new Socket("127.0.0.1", server.heliograph().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nHelicone-Auth: Bearer " + key
                    + "\r\nHelicone-Request-Id: " + id + "\r\nAuthorization: Bearer " + OPENAI_KEY
                    + "\r\n" + FakeUpstream.SCENARIO + ": leave\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("\"w\"")) {
                int b = in.read();
                assertThat(b).isNotEqualTo(-1);
                seen.append((char) b);
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("helicone-id: " + id);
        }
        assertThat(upstream.awaitAbandoned("leave", 5_000)).as("the upstream request was cancelled").isTrue();

        JsonNode log = logOf(id);
        assertThat(log.get("outcome").asText()).isEqualTo("cancelled");
        assertThat(log.get("status").asInt()).isEqualTo(200);
        assertThat(log.get("streamed").asBoolean()).isTrue();
        String content = log.get("response").get("choices").get(0).get("message").get("content").asText();
        assertThat(content).startsWith("w").hasSizeLessThan(200);
        assertThat(webhookFor(id).get("outcome").asText()).isEqualTo("cancelled");
    }

    @Test
    void anUpstreamThatBreaksOffCutsTheCallersResponseShortAndIsLogged() throws Exception {
        byte[] first = chatStream("half").get(1);
        upstream.on("break", FakeUpstream.breakOffAfter(first));

        HttpResponse<InputStream> res = http.send(gateway("/oai/v1/chat/completions", "break")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();
        try (InputStream in = res.body()) {
            assertThat(in.readNBytes(first.length)).isEqualTo(first);
            // The caller must not mistake the stump for a whole response: the connection breaks.
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(java.io.IOException.class);
        }
        JsonNode log = logOf(id);
        assertThat(log.get("outcome").asText()).isEqualTo("upstream_failed");
        assertThat(log.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("half");
        assertThat(webhookFor(id).get("outcome").asText()).isEqualTo("upstream_failed");
    }

    @Test
    void omitHeadersKeepTheFactsButNotTheBodies() throws Exception {
        upstream.on("omit", FakeUpstream.json(200, CHAT_RESPONSE));
        HttpResponse<byte[]> res = post(gateway("/oai/v1/chat/completions", "omit")
                .header("Helicone-Omit-Request", "true").header("Helicone-Omit-Response", "true"), CHAT_REQUEST);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(CHAT_RESPONSE);
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();

        JsonNode log = logOf(id);
        assertThat(log.get("request").isNull()).isTrue();
        assertThat(log.get("response").isNull()).isTrue();
        assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(log.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
        JsonNode payload = webhookFor(id);
        assertThat(payload.get("request").isNull()).isTrue();
        assertThat(payload.get("response").isNull()).isTrue();
        assertThat(payload.toString()).doesNotContain("Say hi").doesNotContain("Hi!");
    }

    @Test
    void aRequestIdTheCallerChoosesIsTheLogsIdAndIsLoggedOnce() throws Exception {
        upstream.on("chosen", FakeUpstream.json(200, CHAT_RESPONSE));
        String id = UUID.randomUUID().toString();
        HttpResponse<byte[]> first = post(gateway("/oai/v1/chat/completions", "chosen").header("Helicone-Request-Id", id),
                CHAT_REQUEST);
        assertThat(first.headers().firstValue("Helicone-Id")).hasValue(id);
        logOf(id);
        HttpResponse<byte[]> again = post(gateway("/oai/v1/chat/completions", "chosen").header("Helicone-Request-Id", id),
                CHAT_REQUEST);
        assertThat(again.statusCode()).isEqualTo(200);
        webhookFor(id);
        Thread.sleep(500);
        assertThat(receiver.received().stream().filter(r -> r.text().contains(id))).hasSize(1);
        assertThat(api.get("/v1/requests").data().get("items")).hasSize(1);
    }

    @Test
    void otherMethodsAndPathsPassToo() throws Exception {
        upstream.on("/v1/models", FakeUpstream.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\"}]}"));
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oai/v1/models"))
                .header("Helicone-Auth", "Bearer " + key).header("Authorization", "Bearer " + OPENAI_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).contains("gpt-4o");
        JsonNode log = logOf(res.headers().firstValue("Helicone-Id").orElseThrow());
        assertThat(log.get("request").isNull()).isTrue();
        assertThat(log.get("response").get("object").asText()).isEqualTo("list");
    }

    @Test
    void theGatewaysOwnRefusalsAreEnvelopesAndNeverReachTheUpstream() throws Exception {
        upstream.on("refused", FakeUpstream.json(200, CHAT_RESPONSE));
        HttpRequest.Builder noHeliconeKey = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oai/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header(FakeUpstream.SCENARIO, "refused");
        HttpResponse<byte[]> unauth = post(noHeliconeKey, CHAT_REQUEST);
        assertThat(unauth.statusCode()).isEqualTo(401);
        assertThat(new String(unauth.body(), StandardCharsets.UTF_8)).isEqualTo("{\"data\":null,\"error\":\"Unauthorized\"}");

        HttpResponse<byte[]> wrongKey = post(gateway("/oai/v1/chat/completions", "refused")
                .setHeader("Helicone-Auth", "Bearer hg_not_a_key"), CHAT_REQUEST);
        assertThat(wrongKey.statusCode()).isEqualTo(401);

        HttpResponse<byte[]> badId = post(gateway("/oai/v1/chat/completions", "refused")
                .header("Helicone-Request-Id", "not-a-uuid"), CHAT_REQUEST);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(new String(badId.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"data\":null,\"error\":\"Helicone-Request-Id must be a UUID\"}");

        HttpResponse<byte[]> tooBig = post(gateway("/oai/v1/chat/completions", "refused"),
                "{\"x\":\"" + "a".repeat(33 * 1024 * 1024) + "\"}");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(new String(tooBig.body(), StandardCharsets.UTF_8)).contains("32 MiB");

        // The log route is not proxied, whatever the method.
        assertThat(api.get("/oai/v1/log").status()).isEqualTo(404);

        assertThat(upstream.calls("refused")).isEmpty();
        assertThat(api.get("/v1/requests").data().get("items")).isEmpty();
    }

    @Test
    void anUnreachableUpstreamIsA502OfTheGatewaysOwnAndIsLogged() throws Exception {
        // Port 9 (discard) has no listener on loopback: the connection is refused.
        try (TestServer isolated = TestServer.builder(store).openAiBaseUrl("http://127.0.0.1:9").start()) {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(isolated.baseUrl() + "/oai/v1/chat/completions"))
                    .header("Helicone-Auth", "Bearer " + TestServer.BOOTSTRAP_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(502);
            assertThat(new String(res.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"data\":null,\"error\":\"Upstream unreachable: connection refused\"}");
            String id = res.headers().firstValue("Helicone-Id").orElseThrow();
            Api own = isolated.api();
            await().atMost(Duration.ofSeconds(10)).until(() -> own.get("/v1/request/" + id).status() == 200);
            JsonNode log = own.get("/v1/request/" + id).data();
            assertThat(log.get("status").asInt()).isEqualTo(502);
            assertThat(log.get("outcome").asText()).isEqualTo("upstream_unreachable");
        }
    }
}
