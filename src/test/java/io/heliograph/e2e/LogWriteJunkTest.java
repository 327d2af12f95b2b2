package io.heliograph.e2e;

import static io.heliograph.support.RouteJunk.HELICONE_OPENAI;
import static io.heliograph.support.RouteJunk.LOG_ROUTES;
import static io.heliograph.support.RouteJunk.MIB;
import static io.heliograph.support.RouteJunk.PLAIN_BASE;
import static io.heliograph.support.RouteJunk.abbreviate;
import static io.heliograph.support.RouteJunk.assertEnvelope;
import static io.heliograph.support.RouteJunk.call;
import static io.heliograph.support.RouteJunk.concat;
import static io.heliograph.support.RouteJunk.contentTypes;
import static io.heliograph.support.RouteJunk.count;
import static io.heliograph.support.RouteJunk.counts;
import static io.heliograph.support.RouteJunk.createWebhook;
import static io.heliograph.support.RouteJunk.deepJson;
import static io.heliograph.support.RouteJunk.freshOrg;
import static io.heliograph.support.RouteJunk.jsonValue;
import static io.heliograph.support.RouteJunk.junkJson;
import static io.heliograph.support.RouteJunk.junkText;
import static io.heliograph.support.RouteJunk.lengthProbe;
import static io.heliograph.support.RouteJunk.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.heliograph.support.RouteJunk.Answer;
import io.heliograph.support.RouteJunk.Counts;
import io.heliograph.support.RouteJunk.Header;
import io.heliograph.support.RouteJunk.Org;
import io.heliograph.support.RouteJunk.Servers;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated junk thrown at the log routes, on both stores: the four Helicone routes and
 * {@code POST /v1/request/log}, valid bodies mutated, odd headers, Content-Types and encodings. A
 * refused log leaves nothing behind (counted in the store and through the API); an accepted one reads
 * back whole — the bodies as sent, the status, the user, the properties — with its one delivery.
 */
class LogWriteJunkTest {
    private static Servers servers;

    @BeforeContainer
    static void start() {
        servers = Servers.start();
    }

    @AfterContainer
    static void stop() {
        servers.close();
    }

    /** The four Helicone routes: a refused log leaves nothing behind; an accepted one reads back whole. */
    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void heliconeLogsAreStoredWholeOrNotAtAll(@ForAll("heliconeCalls") LogCall call, @ForAll StoreKind kind) {
        checkLogCall(servers.server(kind), call, true);
    }

    /** {@code POST /v1/request/log}, the same promise. */
    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void plainLogsAreStoredWholeOrNotAtAll(@ForAll("plainCalls") LogCall call, @ForAll StoreKind kind) {
        checkLogCall(servers.server(kind), call, false);
    }

    /** Was a 500: Jackson reads UTF-16 and UTF-32 too, but the raw bodies were cut out of the bytes by character offset. */
    @Example
    void jsonInUtf16OrUtf32IsInvalidJson() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = servers.server(kind);
            Org org = freshOrg(server);
            String plain = PLAIN_BASE.replace("REQUEST_ID", UUID.randomUUID().toString());
            for (Charset charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
                    Charset.forName("UTF-32LE"))) {
                for (String[] routeAndBody : List.of(new String[] {"/custom/v1/log", HELICONE_OPENAI},
                        new String[] {"/v1/request/log", plain})) {
                    Answer a = call(server, "POST", routeAndBody[0], routeAndBody[1].getBytes(charset), "application/json", org.key(),
                            List.of());
                    assertThat(a.status()).as(kind + " " + charset + " " + a.body()).isEqualTo(400);
                    assertThat(assertEnvelope(a).get("error").asText()).isEqualTo("Invalid JSON body");
                }
            }
            assertThat(counts(server, org.id())).isEqualTo(Counts.EMPTY);
        }
    }

    /**
     * Was a wrong record: the raw request body was found by JSON-pointer path without escaping '/', so a
     * top-level key named {@code providerRequest/json} replaced the stored body with its own value.
     */
    @Example
    void aKeyThatLooksLikeAPathDoesNotReplaceTheStoredBody() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = servers.server(kind);
            Org org = freshOrg(server);
            String body = HELICONE_STREAM.substring(0, HELICONE_STREAM.lastIndexOf('}'))
                    + ",\"providerRequest/json\":{\"evil\":1},\"providerResponse/textBody\":\"evil\"}";
            Answer a = call(server, "POST", "/custom/v1/log", body.getBytes(StandardCharsets.UTF_8), "application/json", org.key(),
                    List.of());
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode stored = assertEnvelope(call(server, "GET", "/v1/request/" + TestJson.parse(a.body()).get("data").get("request_id").asText(),
                    null, null, org.key(), List.of())).get("data");
            JsonNode sent = TestJson.parse(body);
            assertThat(stored.get("request")).isEqualTo(sent.get("providerRequest").get("json"));
            assertThat(stored.get("response_text")).isEqualTo(sent.get("providerResponse").get("textBody"));
        }
    }

    private static void checkLogCall(TestServer server, LogCall call, boolean helicone) {
        Org org = freshOrg(server);
        createWebhook(server, org, servers.okReceiver().url());
        Counts empty = counts(server, org.id());
        byte[] body = call.body();
        Answer a = call(server, "POST", call.route(), body, call.contentType(), org.key(), call.headerList());
        JsonNode json = assertEnvelope(a);
        Statistics.label("answer").collect(a.status() == 200 ? "200 stored" : a.status() + " " + json.get("error").asText()
                .replaceAll("(?<=must be at most )\\d+.*", "…").replaceAll("^Helicone-\\S+|^Property \\S+", "…"));
        Counts after = counts(server, org.id());
        if (a.status() != 200) {
            assertThat(a.status()).as(a.body()).isIn(400, 413, 415);
            if (!isJsonContentType(call.contentType())) {
                assertThat(a.status()).as("Content-Type is checked first").isEqualTo(415);
            }
            assertThat(after).as("a refused log leaves nothing behind: " + a.body()).isEqualTo(empty);
            assertThat(listedIds(server, org)).isEmpty();
            return;
        }
        String id = json.get("data").get("request_id").asText();
        assertThat(a.header("Helicone-Id")).isEqualTo(id);
        assertThat(isJsonContentType(call.contentType())).isTrue();
        assertThat(after.logs()).isEqualTo(1);
        assertThat(after.deliveries()).as("the log's delivery is written with it").isEqualTo(1);
        assertThat(listedIds(server, org)).containsExactly(id);

        JsonNode stored = assertEnvelope(call(server, "GET", "/v1/request/" + id, null, null, org.key(), List.of())).get("data");
        assertThat(stored.get("properties").size()).isEqualTo(after.properties());
        JsonNode root = TestJson.parse(body);
        Expected expected = helicone ? expectHelicone(root, call) : expectPlain(root, call);
        expected.requestId().ifPresent(given -> assertThat(id).isEqualTo(given));
        assertThat(stored.get("request")).as("the request body reads back as sent").isEqualTo(expected.request());
        if (expected.responseText() != null) {
            assertThat(stored.get("response_text")).as("the response text reads back as sent").isEqualTo(expected.responseText());
        } else {
            assertThat(stored.get("response")).as("the response body reads back as sent").isEqualTo(expected.response());
        }
        assertThat(stored.get("status").asInt()).isEqualTo(expected.status());
        assertThat(stored.get("user_id")).isEqualTo(expected.userId() == null ? NullNode.instance : TextNode.valueOf(expected.userId()));
        assertThat(stored.get("properties")).isEqualTo(TestJson.tree(expected.properties()));
        if (expected.provider() != null) {
            assertThat(stored.get("provider").asText()).isEqualTo(expected.provider());
        }
        if (expected.model() != null) {
            assertThat(stored.get("model").asText()).isEqualTo(expected.model());
        }
        assertThat(stored.get("metadata").get("latencyMs").asLong()).isGreaterThanOrEqualTo(0);

        // Its webhook payload, built from the same junk, reaches the receiver as JSON naming it.
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10)).until(() -> count(server,
                "SELECT COUNT(*) FROM deliveries WHERE org_id = ? AND status = ?", org.id(), "delivered") == 1);
        assertThat(servers.okReceiver().received().stream().filter(r -> r.text().contains(id))
                .map(r -> TestJson.parse(r.text()).path("request_id").asText())).contains(id);

        if (expected.requestId().isPresent()) {
            // The same log again: the same answer, and nothing new.
            Answer again = call(server, "POST", call.route(), body, call.contentType(), org.key(), call.headerList());
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(TestJson.parse(again.body()).get("data").get("request_id").asText()).isEqualTo(id);
            assertThat(counts(server, org.id())).isEqualTo(after);
        }
    }

    /** What an accepted log must read back as, worked out from the body that was sent. */
    record Expected(Optional<String> requestId, JsonNode request, JsonNode response, JsonNode responseText, int status,
            String userId, Map<String, String> properties, String provider, String model) {
    }

    private static Expected expectHelicone(JsonNode root, LogCall call) {
        JsonNode providerRequest = root.get("providerRequest");
        JsonNode providerResponse = root.get("providerResponse");
        Map<String, String> helicone = new LinkedHashMap<>();
        call.headerList().forEach(h -> {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.startsWith("helicone-")) {
                helicone.putIfAbsent(name, h.value());
            }
        });
        JsonNode meta = providerRequest.get("meta");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e -> {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (name.startsWith("helicone-") && e.getValue().isTextual()) {
                    helicone.put(name, e.getValue().textValue());
                }
            });
        }
        Map<String, String> properties = new LinkedHashMap<>();
        helicone.forEach((name, value) -> {
            if (name.startsWith("helicone-property-") && name.length() > "helicone-property-".length()) {
                properties.put(name.substring("helicone-property-".length()).toLowerCase(Locale.ROOT), value);
            }
        });
        JsonNode textBody = providerResponse.get("textBody");
        JsonNode responseJson = providerResponse.get("json");
        String routeProvider = switch (call.route()) {
            case "/oai/v1/log" -> "OPENAI";
            case "/anthropic/v1/log" -> "ANTHROPIC";
            case "/googleapis/v1/log" -> "GOOGLE";
            default -> null; // from the URL: not modelled here
        };
        JsonNode stated = root.get("provider");
        String provider = stated != null && stated.isTextual() && !stated.textValue().isBlank()
                ? stated.textValue().trim().toUpperCase(Locale.ROOT) : routeProvider;
        String userId = helicone.get("helicone-user-id");
        boolean omitResponse = omits(helicone, "helicone-omit-response");
        return new Expected(
                Optional.ofNullable(helicone.get("helicone-request-id")).map(s -> s.trim().toLowerCase(Locale.ROOT)),
                omits(helicone, "helicone-omit-request") ? NullNode.instance : providerRequest.get("json"),
                responseJson == null || omitResponse ? NullNode.instance : responseJson,
                textBody != null && textBody.isTextual() && !omitResponse ? textBody : null,
                providerResponse.get("status").intValue(),
                userId == null || userId.isEmpty() ? null : userId,
                properties, provider, null);
    }

    /** Helicone-Omit-Request / -Response: "true" in any case, blanks around it ignored; anything else omits nothing. */
    private static boolean omits(Map<String, String> helicone, String name) {
        String value = helicone.get(name);
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    private static Expected expectPlain(JsonNode root, LogCall call) {
        Map<String, String> helicone = new LinkedHashMap<>();
        call.headerList().forEach(h -> helicone.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h.value()));
        boolean omitResponse = omits(helicone, "helicone-omit-response");
        Map<String, String> properties = new LinkedHashMap<>();
        JsonNode given = root.get("properties");
        if (given != null && given.isObject()) {
            given.fields().forEachRemaining(e -> properties.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().textValue()));
        }
        JsonNode response = root.get("response");
        JsonNode requestId = root.get("request_id");
        JsonNode userId = root.get("user_id");
        JsonNode model = root.get("model");
        JsonNode provider = root.get("provider");
        return new Expected(
                requestId != null && requestId.isTextual() ? Optional.of(requestId.textValue().trim().toLowerCase(Locale.ROOT)) : Optional.empty(),
                omits(helicone, "helicone-omit-request") ? NullNode.instance : root.get("request"),
                response == null || omitResponse ? NullNode.instance : response,
                null,
                root.get("status").intValue(),
                userId != null && userId.isTextual() && !userId.textValue().isEmpty() ? userId.textValue() : null,
                properties,
                provider != null && provider.isTextual() && !provider.textValue().isBlank()
                        ? provider.textValue().trim().toUpperCase(Locale.ROOT) : null,
                model != null && model.isTextual() && !model.textValue().isBlank() ? model.textValue() : null);
    }

    private static List<String> listedIds(TestServer server, Org org) {
        JsonNode data = assertEnvelope(call(server, "GET", "/v1/requests?limit=500", null, null, org.key(), List.of())).get("data");
        List<String> ids = new ArrayList<>();
        data.get("items").forEach(item -> ids.add(item.get("request_id").asText()));
        return ids;
    }

    private static boolean isJsonContentType(String contentType) {
        if (contentType == null) {
            return true;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    private static boolean isHeaderSafe(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && s.strip().equals(s);
    }

    /** One change to a valid body: set {@code path} to the JSON text {@code json}, or remove it when null. */
    record Mutation(List<String> path, String json) {
        @Override
        public String toString() {
            return (json == null ? "remove " : "") + "/" + String.join("/", path) + (json == null ? "" : " = " + abbreviate(json));
        }
    }

    /** How the body's bytes are framed or encoded, beyond the JSON itself. */
    enum Encoding { AS_IS, TRUNCATED, TRAILING_JUNK, UTF16LE, UTF16BE, UTF32, UTF8_BOM, OVER_10_MIB, EMPTY, NOT_UTF8 }

    record LogCall(String route, String base, List<Mutation> mutations, List<Header> headerList, String contentType,
            Encoding encoding) {
        byte[] body() {
            ObjectNode root = (ObjectNode) TestJson.parse(base);
            mutations.forEach(m -> apply(root, m));
            byte[] json = TestJson.bytes(root);
            return switch (encoding) {
                case AS_IS -> json;
                case TRUNCATED -> Arrays.copyOf(json, json.length / 2);
                case TRAILING_JUNK -> concat(json, " {} x".getBytes(StandardCharsets.UTF_8));
                case UTF16LE -> new String(json, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE);
                case UTF16BE -> new String(json, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16BE);
                case UTF32 -> new String(json, StandardCharsets.UTF_8).getBytes(Charset.forName("UTF-32BE"));
                case UTF8_BOM -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json);
                case OVER_10_MIB -> concat(json, " ".repeat(10 * MIB).getBytes(StandardCharsets.US_ASCII));
                case EMPTY -> new byte[0];
                case NOT_UTF8 -> new String(json, StandardCharsets.UTF_8).replace("\"user\"", "\"us\u00e9r\"").getBytes(StandardCharsets.ISO_8859_1);
            };
        }

        @Override
        public String toString() {
            return "POST " + route + " " + contentType + " " + encoding + " headers=" + headerList + " mutations=" + mutations
                    + " base=" + abbreviate(base);
        }
    }

    private static void apply(ObjectNode root, Mutation m) {
        JsonNode node = root;
        for (int i = 0; i < m.path().size() - 1; i++) {
            node = node.get(m.path().get(i));
            if (!(node instanceof ObjectNode)) {
                return;
            }
        }
        ObjectNode parent = (ObjectNode) node;
        String last = m.path().get(m.path().size() - 1);
        if (m.json() == null) {
            parent.remove(last);
        } else {
            parent.putRawValue(last, new RawValue(m.json()));
        }
    }

    @Provide
    Arbitrary<LogCall> heliconeCalls() {
        Arbitrary<String> base = Arbitraries.of(
                HELICONE_OPENAI, HELICONE_ANTHROPIC, HELICONE_GOOGLE, HELICONE_STREAM, HELICONE_NODE_LOGGER);
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(6, setSomewhere(HELICONE_PATHS)),
                Tuple.of(2, Arbitraries.of(HELICONE_PATHS).map(p -> new Mutation(path(p), null))),
                Tuple.of(3, metaObject().map(v -> new Mutation(path("providerRequest/meta"), v))),
                Tuple.of(2, streamText().map(t -> new Mutation(path("providerResponse/textBody"), quote(t, false)))),
                Tuple.of(1, Combinators.combine(Arbitraries.of("providerRequest/json", "providerResponse/json",
                                "providerResponse/textBody", "__proto__", "", "PROVIDERREQUEST", "providerRequest.json"), junkJson())
                        .as((k, v) -> new Mutation(List.of(k), v))));
        return Combinators.combine(Arbitraries.of(LOG_ROUTES), base, mutation.list().ofMaxSize(3), heliconeHeaders(),
                contentTypes(), encodings()).as(LogCall::new);
    }

    @Provide
    Arbitrary<LogCall> plainCalls() {
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(6, setSomewhere(PLAIN_PATHS)),
                Tuple.of(2, Arbitraries.of(PLAIN_PATHS).map(p -> new Mutation(path(p), null))),
                Tuple.of(3, propertiesObject().map(v -> new Mutation(path("properties"), v))),
                Tuple.of(1, Combinators.combine(Arbitraries.of("request/model", "", "__proto__", "REQUEST", "response/"), junkJson())
                        .as((k, v) -> new Mutation(List.of(k), v))));
        Arbitrary<String> base = Arbitraries.of(PLAIN_BASE, PLAIN_BASE.replace("\"request_id\":\"REQUEST_ID\",", ""))
                .map(b -> b.replace("REQUEST_ID", UUID.randomUUID().toString()));
        return Combinators.combine(base, mutation.list().ofMaxSize(3), Arbitraries.of(List.<Header>of(), List.of(new Header("Helicone-User-Id", "ignored")),
                        List.of(new Header("Helicone-Omit-Request", "true")), List.of(new Header("Helicone-Omit-Response", "TRUE")),
                        List.of(new Header("Helicone-Omit-Request", "yes"), new Header("Helicone-Omit-Response", "True"))),
                contentTypes(), encodings()).as((b, m, h, ct, e) -> new LogCall("/v1/request/log", b, m, h, ct, e));
    }

    private static final String HELICONE_ANTHROPIC = """
            {"providerRequest":{"url":"https://api.anthropic.com/v1/messages",
              "json":{"model":"claude-3-5-sonnet-20241022","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]},"meta":{}},
             "providerResponse":{"status":200,"headers":{},
              "json":{"id":"msg_1","type":"message","model":"claude-3-5-sonnet-20241022","content":[{"type":"text","text":"Hello"}],
                "usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":2}}},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473001,"milliseconds":5}},
             "provider":"ANTHROPIC"}""";

    private static final String HELICONE_GOOGLE = """
            {"providerRequest":{"url":"https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent",
              "json":{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]},"meta":{"Helicone-Request-Id":"REQUEST_ID"}},
             "providerResponse":{"status":200,"headers":{},
              "json":{"candidates":[{"content":{"parts":[{"text":"Hello"}]}}],"modelVersion":"gemini-1.5-pro",
                "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"totalTokenCount":5}}},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":250},"endTime":{"seconds":1768473000,"milliseconds":750}}}"""
            .replace("REQUEST_ID", "9b2f7c1e-6a4d-4e8b-9c3a-1d2e3f4a5b6c");

    private static final String HELICONE_STREAM = """
            {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions",
              "json":{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Count"}]},"meta":{}},
             "providerResponse":{"status":200,"headers":{},"json":{},
              "textBody":"data: {\\"id\\":\\"c1\\",\\"model\\":\\"gpt-4o-mini\\",\\"choices\\":[{\\"index\\":0,\\"delta\\":{\\"content\\":\\"1 2\\"}}]}\\n\\ndata: {\\"id\\":\\"c1\\",\\"choices\\":[],\\"usage\\":{\\"prompt_tokens\\":5,\\"completion_tokens\\":3,\\"total_tokens\\":8}}\\n\\ndata: [DONE]\\n\\n"},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473002,"milliseconds":0},
              "timeToFirstToken":300}}""";

    /** As Helicone's Node manual logger sends it: headers on the HTTP call, meta empty, a made-up URL. */
    private static final String HELICONE_NODE_LOGGER = """
            {"providerRequest":{"url":"custom-model-nopath","json":{"model":"gpt-4o","messages":[]},"meta":{}},
             "providerResponse":{"json":{"choices":[{"message":{"content":"ok"}}]},"status":200,"headers":{}},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":1},"endTime":{"seconds":1768473000,"milliseconds":2}}}""";

    private static final List<String> HELICONE_PATHS = List.of("providerRequest", "providerRequest/url", "providerRequest/json",
            "providerRequest/json/model", "providerRequest/json/messages", "providerRequest/meta",
            "providerRequest/meta/Helicone-User-Id", "providerRequest/meta/Helicone-Request-Id",
            "providerRequest/meta/Helicone-Property-Environment", "providerResponse", "providerResponse/status",
            "providerResponse/json", "providerResponse/json/usage", "providerResponse/json/usage/prompt_tokens",
            "providerResponse/json/model", "providerResponse/headers", "providerResponse/textBody", "timing", "timing/startTime",
            "timing/startTime/seconds", "timing/startTime/milliseconds", "timing/endTime", "timing/endTime/seconds",
            "timing/endTime/milliseconds", "timing/timeToFirstToken", "provider");

    private static final List<String> PLAIN_PATHS = List.of("request_id", "model", "provider", "user_id", "properties",
            "properties/Environment", "request", "request/model", "response", "response/usage/prompt_tokens", "status", "started_at",
            "ended_at", "time_to_first_token_ms", "request_url");

    /**
     * A field at one of {@code paths} set to junk or to a plausible value. One arbitrary per path (not a
     * flatMap over the paths, which jqwik skews heavily towards the first one).
     */
    private Arbitrary<Mutation> setSomewhere(List<String> paths) {
        return Arbitraries.oneOf(paths.stream()
                .map(p -> Arbitraries.frequencyOf(Tuple.of(2, junkJson()), Tuple.of(3, plausible(p))).map(v -> new Mutation(path(p), v)))
                .toList());
    }

    private static List<String> path(String p) {
        return List.of(p.split("/", -1));
    }

    /** Values that a field could hold, valid or just beside valid, so that many bodies get far into the checks. */
    private Arbitrary<String> plausible(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return switch (last) {
            case "url", "request_url" -> Arbitraries.of("\"https://api.openai.com/v1/chat/completions\"", "\"custom-model-nopath\"",
                    "\"https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:streamGenerateContent\"",
                    "\"https://api.anthropic.com/v1/messages\"", "\"not a url at all\"", "\"\"", "\"https://x/\\u0000\"",
                    "\"https://api.openai.com/\\ud800\"", "\"http://[::1\"");
            case "model" -> Arbitraries.oneOf(Arbitraries.of("\"gpt-4o\"", "\"GPT-4O\"", "\"\"", "\"  \"", "\"gpt-4o\\u0000\"",
                    "\"\\udfff\""), lengthProbe(List.of(255, 256, 257)).map(s -> quote(s, false)));
            case "status" -> Arbitraries.of("200", "-3", "0", "999", "-999", "1000", "-1000", "200.0", "200.5", "\"200\"", "1e3", "2E2",
                    "2147483848", "99999999999999999999999");
            case "seconds" -> Arbitraries.of("1768473000", "0", "-1", "253402300799", "253402300800", "1e20", "1768473000.5",
                    "\"1768473000\"", "1768473001", "1768472999", "-0");
            case "milliseconds" -> Arbitraries.of("0", "999", "1000", "-1000", "1.5", "1e15", "\"5\"", "null", "-1768473000000");
            case "timeToFirstToken", "time_to_first_token_ms" -> Arbitraries.of("0", "120", "-1", "1.5", "1e400", "\"x\"",
                    "253402300799999", "253402300800000", "null");
            case "provider" -> Arbitraries.oneOf(Arbitraries.of("\"OPENAI\"", "\"openai\"", "\" anthropic \"", "\"\"", "\"\\u0000\"",
                    "\"\\ud800\"", "\"" + "\u00df".repeat(40) + "\""), lengthProbe(List.of(63, 64, 65)).map(s -> quote(s, false)));
            case "textBody" -> streamText().map(t -> quote(t, false));
            case "meta" -> metaObject();
            case "properties" -> propertiesObject();
            case "Helicone-User-Id", "user_id" -> Arbitraries.oneOf(junkText().map(s -> quote(s, false)),
                    lengthProbe(List.of(255, 256, 257)).map(s -> quote(s, false)));
            case "Helicone-Request-Id", "request_id" -> requestIds().map(s -> quote(s, true));
            case "started_at", "ended_at" -> Arbitraries.of("\"2026-01-15T10:30:00Z\"", "\"2026-01-15T10:30:00.000+02:00\"",
                    "\"2026-01-15T10:30:00\"", "\"2026-13-01T00:00:00Z\"", "1768473000000", "-1", "1e400", "253402300800000",
                    "\"+999999999-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999Z\"",
                    "\"10000-01-01T00:00:00Z\"", "1768473000000.5", "\"2026-01-15T10:30:01.250Z\"", "\"\"");
            case "json", "request", "response", "startTime", "endTime", "usage", "messages", "headers", "providerRequest",
                    "providerResponse", "timing" -> Arbitraries.oneOf(jsonValue(3), Arbitraries.of("{}", "[]", "{\"seconds\":1768473000}",
                    "{\"seconds\":1768473000,\"milliseconds\":null}", "{\"prompt_tokens\":-1,\"total_tokens\":1e400}",
                    "{\"input_tokens\":1.5,\"output_tokens\":\"7\"}"), deepJson());
            case "prompt_tokens" -> Arbitraries.of("-1", "1.5", "1e12", "1000000000001", "9223372036854775808", "\"7\"", "13.0");
            default -> junkJson();
        };
    }

    private Arbitrary<String> metaObject() {
        Arbitrary<String> propertyEntry = Combinators.combine(
                Arbitraries.oneOf(junkText(), lengthProbe(List.of(127, 128, 129)), Arbitraries.of("Env", "env", "ENV", "")),
                Arbitraries.oneOf(junkText().map(s -> quote(s, false)), lengthProbe(List.of(511, 512, 513)).map(s -> quote(s, false)),
                        Arbitraries.of("1", "null", "{}", "true")))
                .as((k, v) -> quote("Helicone-Property-" + k, false) + ":" + v);
        Arbitrary<List<String>> properties = Arbitraries.frequencyOf(
                Tuple.of(8, propertyEntry.list().ofMaxSize(4)),
                Tuple.of(1, Arbitraries.of(100, 101).map(n -> IntStream.range(0, n)
                        .mapToObj(i -> "\"Helicone-Property-p" + i + "\":\"v" + i + "\"").toList())));
        Arbitrary<List<String>> others = Arbitraries.of(
                "\"Helicone-User-Id\":" + quote("u\u00e9\ud83d\ude00", false), "\"helicone-user-id\":\"\"", "\"Helicone-User-Id\":7",
                "\"Helicone-User-Id\":\"a\\u0000b\"", "\"Helicone-Request-Id\":\"" + UUID.randomUUID() + "\"",
                "\"HELICONE-REQUEST-ID\":\"not-a-uuid\"", "\"X-Other\":5", "\"Helicone-Property-\":\"empty name\"",
                "\"Helicone-Cache-Enabled\":\"true\"", "\"Helicone-Omit-Request\":\"true\"", "\"helicone-omit-response\":\"TRUE\"",
                "\"Helicone-Omit-Response\":\"false\"", "\"Helicone-Omit-Request\":\" true \"").list().ofMaxSize(3);
        return Combinators.combine(properties, others).as((p, o) -> {
            List<String> all = new ArrayList<>(p);
            all.addAll(o);
            return "{" + String.join(",", all) + "}";
        });
    }

    private Arbitrary<String> propertiesObject() {
        Arbitrary<String> entry = Combinators.combine(
                Arbitraries.oneOf(junkText(), lengthProbe(List.of(127, 128, 129)), Arbitraries.of("Env", "env", "ENV", "", "İ", "K")),
                Arbitraries.oneOf(junkText().map(s -> quote(s, false)), lengthProbe(List.of(511, 512, 513)).map(s -> quote(s, false)),
                        Arbitraries.of("1", "null", "{}", "[\"x\"]")))
                .as((k, v) -> quote(k, false) + ":" + v);
        return Arbitraries.frequencyOf(
                Tuple.of(8, entry.list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}")),
                Tuple.of(1, Arbitraries.of(100, 101).map(n -> IntStream.range(0, n)
                        .mapToObj(i -> "\"p" + i + "\":\"v" + i + "\"").collect(Collectors.joining(",", "{", "}")))));
    }

    /** Response text as loggers send it: SSE and NDJSON streams (well-formed and not), JSON, prose, junk. */
    private Arbitrary<String> streamText() {
        Arbitrary<String> piece = junkText().map(s -> quote(s, false));
        Arbitrary<String> sse = piece.list().ofMinSize(1).ofMaxSize(4).map(pieces -> pieces.stream()
                .map(p -> "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + p + "}}]}\n\n")
                .collect(Collectors.joining()) + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n");
        Arbitrary<String> ndjson = piece.list().ofMinSize(2).ofMaxSize(4).map(pieces -> pieces.stream()
                .map(p -> "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":" + p + "}}")
                .collect(Collectors.joining("\n")));
        return Arbitraries.frequencyOf(
                Tuple.of(3, sse),
                Tuple.of(2, ndjson),
                Tuple.of(3, junkText()),
                Tuple.of(2, jsonValue(2)),
                Tuple.of(1, Arbitraries.of("data: nope\n\n", "data:\n\n", "data: {\"a\":\r\ndata: 1}\r\n\r\n", "event: x\n:comment\n",
                        "\ufeff{\"a\":1}", "data: " + "[".repeat(300) + "\n\n", "[".repeat(300) + "]".repeat(300),
                        "data: {\"choices\":[{\"delta\":{\"content\":\"\\u0000\\ud800\"}}]}\n\n")),
                Tuple.of(1, Arbitraries.of(100_001, 3).map(n -> "data: {}\n\n".repeat(n))));
    }

    private Arbitrary<List<Header>> heliconeHeaders() {
        Arbitrary<String> value = headerValue();
        Arbitrary<Header> header = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(headerToken(), value).as((n, v) -> new Header("Helicone-Property-" + n, v))),
                Tuple.of(2, value.map(v -> new Header("Helicone-User-Id", v))),
                Tuple.of(2, requestIds().filter(LogWriteJunkTest::isHeaderSafe).map(v -> new Header("Helicone-Request-Id", v))),
                Tuple.of(1, value.map(v -> new Header("Helicone-Auth", v))),
                Tuple.of(2, Combinators.combine(Arbitraries.of("Helicone-Omit-Request", "Helicone-Omit-Response"),
                        Arbitraries.of("true", "TRUE", "True", "false", "yes", "1")).as(Header::new)),
                Tuple.of(1, value.map(v -> new Header("X-Junk", v))));
        return Arbitraries.frequencyOf(
                Tuple.of(10, header.list().ofMaxSize(5)),
                Tuple.of(1, Arbitraries.of(100, 101).map(n -> IntStream.range(0, n)
                        .mapToObj(i -> new Header("Helicone-Property-h" + i, "v" + i)).toList())));
    }

    /** Header names the JDK client accepts: HTTP tokens, short and long, including the odd legal characters. */
    private Arbitrary<String> headerToken() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars("-_!#$%&'*+.^`|~")
                        .ofMinLength(1).ofMaxLength(20),
                Arbitraries.of(127, 128, 129, 300).map("k"::repeat),
                Arbitraries.of("Env", "env", "ENV"));
    }

    /**
     * Header values as the JDK client sends them: printable ASCII (it writes anything beyond ASCII as '?';
     * raw bytes are sent on a socket by {@link BodyFramingJunkTest#framingJunkIsAnsweredAndStoresNothing}), no blanks at the ends.
     */
    private Arbitrary<String> headerValue() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30),
                Arbitraries.of(255, 256, 257, 511, 512, 513).map("v"::repeat),
                Arbitraries.of("", "prod", "a\tb"))
                .filter(v -> v.isEmpty() || (v.charAt(0) > ' ' && v.charAt(v.length() - 1) > ' '));
    }

    private Arbitrary<String> requestIds() {
        return Arbitraries.oneOf(
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.create(() -> UUID.randomUUID().toString().toUpperCase(Locale.ROOT)),
                Arbitraries.create(() -> " " + UUID.randomUUID() + " "),
                Arbitraries.create(() -> "{" + UUID.randomUUID() + "}"),
                Arbitraries.create(() -> UUID.randomUUID().toString().replace("-", "")),
                Arbitraries.of("", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "\u0000", "\ud800"));
    }

    private Arbitrary<Encoding> encodings() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(Encoding.AS_IS)),
                Tuple.of(8, Arbitraries.of(Encoding.values())));
    }
}
