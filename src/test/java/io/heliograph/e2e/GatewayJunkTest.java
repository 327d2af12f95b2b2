package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated junk on both sides of the gateway — Helicone headers, request bodies and content types
 * from the caller; statuses, content types, encodings and bodies from the upstream — on both
 * stores, through each route: {@code /oai/v1/*}, {@code /anthropic/v1/*} (with Anthropic-shaped junk
 * too), and {@code /gateway/*} (with junk {@code Helicone-Target-Url}s as well). The caller gets the
 * upstream's answer byte for byte, or the gateway's 400 in the envelope; never a 500 or a hang.
 * Every exchange that passed is logged.
 *
 * <p>The generic gateway's server allows private destinations (the upstream is on loopback) but lists
 * only loopback names in HELIOGRAPH_GATEWAY_TARGETS, so a generated target elsewhere is refused before
 * any connection and nothing here ever leaves the machine.
 */
class GatewayJunkTest {
    private static final Map<StoreKind, TestServer> SERVERS = new EnumMap<>(StoreKind.class);
    private static final AtomicLong SCENARIOS = new AtomicLong();
    private static FakeUpstream upstream;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Caller(List<String> headers, byte[] body, String contentType, String method) {
    }

    record Upstreamed(int status, String contentType, String encoding, byte[] body) {
    }

    private static final String JUNK_HOST = "upstream.junk.test";

    @BeforeContainer
    static void start() {
        upstream = new FakeUpstream();
        for (StoreKind kind : StoreKind.values()) {
            SERVERS.put(kind, TestServer.builder(kind).openAiBaseUrl(upstream.baseUrl()).anthropicBaseUrl(upstream.baseUrl())
                    .resolver(io.heliograph.support.FakeResolver.standard().with(JUNK_HOST, "127.0.0.1"))
                    .loopbackReceivers().gatewayTargets("127.0.0.1," + JUNK_HOST).start());
        }
    }

    @AfterContainer
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
        SERVERS.clear();
        upstream.close();
    }

    @Property(tries = 150)
    void theGatewayNeverFails(@ForAll("callers") Caller caller, @ForAll("upstreams") Upstreamed answer,
            @ForAll StoreKind kind) throws Exception {
        exchange(kind, "/oai/v1/chat/completions", caller, answer, null);
    }

    @Property(tries = 100)
    void theAnthropicRouteNeverFails(@ForAll("callers") Caller caller, @ForAll("anthropicUpstreams") Upstreamed answer,
            @ForAll StoreKind kind) throws Exception {
        exchange(kind, "/anthropic/v1/messages", caller, answer, null);
    }

    @Property(tries = 100)
    void theGenericGatewayNeverFails(@ForAll("callers") Caller caller, @ForAll("upstreams") Upstreamed answer,
            @ForAll("targets") String target, @ForAll StoreKind kind) throws Exception {
        exchange(kind, "/gateway/v1/chat/completions", caller, answer, target);
    }

    /** One call through {@code path}; {@code target} is the Helicone-Target-Url to send, or null for none. */
    private static void exchange(StoreKind kind, String path, Caller caller, Upstreamed answer, String target) throws Exception {
        TestServer server = SERVERS.get(kind);
        String scenario = "junk-" + SCENARIOS.incrementAndGet();
        String[] extra = answer.encoding() == null ? new String[0] : new String[] {"Content-Encoding", answer.encoding()};
        upstream.on(scenario, FakeUpstream.body(answer.status(), answer.contentType(), answer.body(), extra));

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Helicone-Auth", "Bearer " + TestServer.BOOTSTRAP_KEY)
                .header(FakeUpstream.SCENARIO, scenario)
                .method(caller.method(), HttpRequest.BodyPublishers.ofByteArray(caller.body()));
        if (!caller.contentType().isEmpty()) {
            request.header("Content-Type", caller.contentType());
        }
        if (target != null) {
            request.header("Helicone-Target-Url", target);
        }
        for (int i = 0; i + 1 < caller.headers().size(); i += 2) {
            request.header(caller.headers().get(i), caller.headers().get(i + 1));
        }
        HttpResponse<byte[]> res = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

        boolean reached = !upstream.calls(scenario).isEmpty();
        net.jqwik.api.statistics.Statistics.collect(reached ? "reached the upstream" : "refused with a 400");
        if (!reached) {
            assertThat(res.statusCode()).as(new String(res.body())).isEqualTo(400);
            Api.Response envelope = new Api.Response(res.statusCode(), new String(res.body()), Map.of());
            assertThat(envelope.json().get("data").isNull()).isTrue();
            assertThat(envelope.error()).doesNotContain("Exception").doesNotContain("\tat ");
            return;
        }
        assertThat(res.statusCode()).isEqualTo(answer.status());
        assertThat(res.body()).isEqualTo(answer.body());
        String id = res.headers().firstValue("Helicone-Id").orElseThrow();
        Api api = server.api();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + id).status() == 200);
        assertThat(api.get("/v1/request/" + id).data().get("status").asInt()).isEqualTo(answer.status());
    }

    /** Mostly the upstream, named in several ways; else junk text and hosts the target list or the guard refuses. */
    @Provide
    Arbitrary<String> targets() {
        String port = upstream.baseUrl().replaceAll(".*:", "");
        Arbitrary<String> text = Arbitraries.strings().ascii().ofMaxLength(300).map(s -> s.replaceAll("[\\x00-\\x1f\\x7f]", ""));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(upstream.baseUrl(), upstream.baseUrl() + "/", "http://" + JUNK_HOST + ":" + port,
                        "http://2130706433:" + port, "HTTP://127.0.0.1:" + port + "/base")),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().alpha().numeric().withChars("-._~%").ofMaxLength(40)
                        .map(p -> upstream.baseUrl() + "/" + p)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("", " ", "http://10.0.0.1:" + port, "http://[::1]:" + port,
                        "http://169.254.169.254/latest/meta-data/", "http://localhost:" + port, "ftp://" + JUNK_HOST,
                        "http://" + JUNK_HOST + ":" + port + "/?q=1", "http://u:p@" + JUNK_HOST + ":" + port,
                        "http://api.openai.com", "//" + JUNK_HOST, "http://[::ffff:127.0.0.1]:" + port, "http://%31%32%37.0.0.1:" + port)),
                net.jqwik.api.Tuple.of(2, text));
    }

    /** The upstream junk, plus Anthropic-shaped junk: events and usage with the wrong types, sizes and order. */
    @Provide
    Arbitrary<Upstreamed> anthropicUpstreams() {
        Arbitrary<byte[]> body = Arbitraries.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":-3}}}\n\n",
                "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":7}}\n\n",
                "data: {\"type\":\"content_block_delta\",\"index\":99999999999,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n",
                "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1e400,\"cache_read_input_tokens\":\"x\"}}\n\ndata: {\"type\":\"message_stop\"}\n\n",
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
                "{\"type\":\"message\",\"model\":[],\"content\":{},\"usage\":{\"input_tokens\":5,\"cache_creation_input_tokens\":null}}",
                "{\"usage\":{\"input_tokens\":\"x\",\"cache_read_input_tokens\":1e400}}").map(String::getBytes);
        Arbitrary<Upstreamed> shaped = Combinators.combine(Arbitraries.of(200, 400, 429, 529),
                Arbitraries.of("application/json", "text/event-stream", "text/event-stream; charset=utf-8"),
                Arbitraries.just((String) null), body).as(Upstreamed::new);
        return Arbitraries.oneOf(shaped, upstreams());
    }

    @Provide
    Arbitrary<Caller> callers() {
        Arbitrary<String> text = Arbitraries.strings().ascii().ofMaxLength(600).map(s -> s.replaceAll("[\\x00-\\x1f\\x7f]", ""));
        Arbitrary<List<String>> header = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.just("Helicone-Request-Id"),
                        Arbitraries.oneOf(text, Arbitraries.create(() -> UUID.randomUUID().toString()))).as(List::of),
                Combinators.combine(Arbitraries.just("Helicone-User-Id"), text).as(List::of),
                Combinators.combine(Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(1).ofMaxLength(140)
                        .map(n -> "Helicone-Property-" + n), text).as(List::of),
                Combinators.combine(Arbitraries.of("Helicone-Omit-Request", "Helicone-Omit-Response"),
                        Arbitraries.of("true", "false", "TRUE", "1", "")).as(List::of),
                Combinators.combine(Arbitraries.of("X-Custom", "OpenAI-Beta", "Accept-Encoding"), text).as(List::of));
        Arbitrary<List<String>> headers = header.list().ofMaxSize(6).map(l -> l.stream().flatMap(List::stream).toList());
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(2000).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
                Arbitraries.of("{\"model\":\"gpt-4o\",\"messages\":[]}", "{\"model\":7}", "[", "null", "{\"model\":\"\\u0000\"}",
                        "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}").map(String::getBytes));
        return Combinators.combine(headers, body,
                Arbitraries.of("application/json", "text/plain", "", "multipart/form-data; boundary=x", "application/octet-stream"),
                Arbitraries.of("POST", "POST", "PUT", "PATCH", "DELETE")).as(Caller::new);
    }

    @Provide
    Arbitrary<Upstreamed> upstreams() {
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(2000).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
                Arbitraries.of("{\"usage\":{\"prompt_tokens\":-1,\"total_tokens\":1e400}}",
                        "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n", "data: nope\n\n",
                        "{\"model\":\"" + "m".repeat(5000) + "\"}").map(String::getBytes),
                Arbitraries.strings().ofMaxLength(500).map(s -> FakeUpstream.gzip(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return Combinators.combine(Arbitraries.of(200, 201, 400, 401, 404, 429, 500, 503),
                Arbitraries.of("application/json", "text/event-stream", "text/plain; charset=utf-8", "audio/mpeg", "weird/type"),
                Arbitraries.of("gzip", "br", "zstd", "deflate", "compress", "gzip, br").injectNull(0.6),
                body).as(Upstreamed::new);
    }
}
