package io.heliograph.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.heliograph.auth.CreatedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What the route-junk tests ({@code e2e/*JunkTest}) share: the servers and their fixture, one call
 * and the envelope every answer must be in, what the store holds for an organization, the junk values
 * the generators are made of, and valid bodies to start from.
 *
 * <p>Every answer must be a 2xx, or a 4xx in the envelope with a message free of exception names and
 * stack frames — never a 5xx, never a hang. And never a half-stored record: after a refused write the
 * organization's logs, properties, webhooks and deliveries are exactly as before.
 */
public final class RouteJunk {
    /** No answer within this long is a hang, and fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    public static final int MIB = 1024 * 1024;
    public static final List<String> LOG_ROUTES = List.of("/custom/v1/log", "/oai/v1/log", "/anthropic/v1/log", "/googleapis/v1/log");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private RouteJunk() {
    }

    /**
     * One server per store, each holding (when asked for) an organization with logs, webhooks and
     * delivered and failed deliveries to read, and the two receivers those webhooks point at.
     */
    public static final class Servers implements AutoCloseable {
        private final Map<StoreKind, TestServer> servers = new EnumMap<>(StoreKind.class);
        private final Map<StoreKind, Fixture> fixtures = new EnumMap<>(StoreKind.class);
        private final Receiver okReceiver = new Receiver();
        private final Receiver failingReceiver = new Receiver().answering(r -> Receiver.status(500));

        private Servers(boolean withFixtures) {
            for (StoreKind kind : StoreKind.values()) {
                TestServer server = TestServer.builder(kind).loopbackReceivers().retrySchedule("100ms").start();
                servers.put(kind, server);
                if (withFixtures) {
                    fixtures.put(kind, buildFixture(server, okReceiver, failingReceiver));
                }
            }
        }

        /** The servers alone. */
        public static Servers start() {
            return new Servers(false);
        }

        /** The servers, each with its {@link Fixture}. */
        public static Servers startWithFixtures() {
            return new Servers(true);
        }

        public TestServer server(StoreKind kind) {
            return servers.get(kind);
        }

        public Fixture fixture(StoreKind kind) {
            return Objects.requireNonNull(fixtures.get(kind), "started without fixtures");
        }

        /** Answers every delivery 200. */
        public Receiver okReceiver() {
            return okReceiver;
        }

        @Override
        public void close() {
            servers.values().forEach(TestServer::close);
            okReceiver.close();
            failingReceiver.close();
        }
    }


    /** A log of the fixture organization, as logged. */
    public record FixtureLog(String id, String model, String userId, Map<String, String> properties, long startedAt, String request) {
    }

    public record Fixture(Org org, List<FixtureLog> logs, String failingWebhook, String okWebhook, String deletedWebhook,
            String otherOrgWebhook, String otherOrgLog, List<String> failedDeliveries, List<String> okDeliveries,
            String bodyLink) {
    }

    public record Org(String id, String key) {
    }

    private static Fixture buildFixture(TestServer server, Receiver okReceiver, Receiver failingReceiver) {
        Org org = freshOrg(server);
        String failing = createWebhook(server, org, failingReceiver.url());
        String ok = createWebhook(server, org, okReceiver.url());
        String deleted = createWebhook(server, org, okReceiver.url());
        assertThat(call(server, "DELETE", "/v1/webhooks/" + deleted, null, null, org.key(), List.of()).status()).isEqualTo(200);

        List<String> models = List.of("gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet");
        List<String> users = Arrays.asList("alice", "bob", null, "Ünï😀");
        List<FixtureLog> logs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("env", i % 2 == 0 ? "prod" : "dev");
            if (i % 3 == 0) {
                properties.put("team", "a");
            }
            if (i == 4) {
                properties.put("weird key", "é😀 \"x\"");
            }
            String id = UUID.randomUUID().toString();
            long startedAt = Instant.parse("2026-01-15T10:30:00Z").toEpochMilli() + i * 1000L;
            String request = "{\"model\":\"" + models.get(i % 3) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}";
            ObjectNode body = TestJson.object();
            body.put("request_id", id);
            body.put("model", models.get(i % 3));
            body.put("user_id", users.get(i % 4));
            body.set("properties", TestJson.tree(properties));
            body.putRawValue("request", new RawValue(request));
            body.put("status", 200);
            body.put("started_at", Instant.ofEpochMilli(startedAt).toString());
            body.put("ended_at", Instant.ofEpochMilli(startedAt + 500).toString());
            Answer a = call(server, "POST", "/v1/request/log", TestJson.bytes(body), "application/json", org.key(), List.of());
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            logs.add(new FixtureLog(id, models.get(i % 3), users.get(i % 4), properties, startedAt, request));
        }

        Org other = freshOrg(server);
        String otherWebhook = createWebhook(server, other, okReceiver.url());
        String otherLog = UUID.randomUUID().toString();
        assertThat(call(server, "POST", "/v1/request/log", ("{\"request_id\":\"" + otherLog + "\",\"request\":{},\"status\":200,"
                + "\"started_at\":0,\"ended_at\":0}").getBytes(StandardCharsets.UTF_8), "application/json", other.key(), List.of())
                .status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> count(server, "SELECT COUNT(*) FROM deliveries WHERE webhook_id = ? AND status = ?",
                failing, "failed") == logs.size() && count(server,
                "SELECT COUNT(*) FROM deliveries WHERE webhook_id = ? AND status = ?", ok, "delivered") == logs.size());
        List<String> failed = ids(server, "SELECT id FROM deliveries WHERE webhook_id = ?", failing);
        List<String> delivered = ids(server, "SELECT id FROM deliveries WHERE webhook_id = ?", ok);

        String orgParam = "org=" + java.net.URLEncoder.encode(org.id(), StandardCharsets.UTF_8);
        String link = okReceiver.received().stream()
                .map(r -> TestJson.parse(r.text()).path("request_response_url").asText(""))
                .filter(url -> url.contains("/bodies/" + logs.get(0).id()) && url.contains(orgParam))
                .findFirst().orElseThrow();
        return new Fixture(org, logs, failing, ok, deleted, otherWebhook, otherLog, failed, delivered,
                link.substring(link.indexOf("/bodies/")));
    }

    public static final String HELICONE_OPENAI = """
            {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions",
              "json":{"model":"gpt-4o","messages":[{"role":"user","content":"Say hi"}],"temperature":0.7},
              "meta":{"Helicone-Property-Environment":"prod","Helicone-User-Id":"user_123"}},
             "providerResponse":{"status":200,"headers":{"content-type":"application/json"},
              "json":{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
                "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":13,"completion_tokens":17,"total_tokens":30}}},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":930},
              "timeToFirstToken":120}}""";

    public static final String PLAIN_BASE = """
            {"request_id":"REQUEST_ID","model":"gpt-4o-mini","provider":"openai","user_id":"user_123",
             "properties":{"Environment":"prod","team":"a"},
             "request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]},
             "response":{"choices":[{"message":{"role":"assistant","content":"hey"}}],
               "usage":{"prompt_tokens":1000,"completion_tokens":2000,"total_tokens":3000}},
             "status":200,"started_at":"2026-01-15T10:30:00.000Z","ended_at":"2026-01-15T10:30:01.250Z",
             "time_to_first_token_ms":120,"request_url":"https://api.openai.com/v1/chat/completions"}""";

    public record Header(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + abbreviate(value);
        }
    }

    /** A query parameter; {@code raw} values are sent as written (already percent-encoded, perhaps badly). */
    public record QueryParam(String name, String value, boolean raw) {
        @Override
        public String toString() {
            return name + "=" + abbreviate(value) + (raw ? " (raw)" : "");
        }
    }

    public record Answer(int status, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + abbreviate(body);
        }
    }

    public static Answer call(TestServer server, String method, String pathAndQuery, byte[] body, String contentType, String key,
            List<Header> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(h -> request.header(h.name(), h.value()));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body(), response.headers().map());
        } catch (HttpTimeoutException e) {
            throw new AssertionError("No answer within " + TIMEOUT + " to " + method + " " + abbreviate(pathAndQuery), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One of the dashboard's files (its page at {@code /}, its assets under {@code /ui/}): HTML, script,
     * style or image, not the envelope. A junk path can normalise to one, e.g. {@code /x/..}.
     */
    public static boolean isDashboardFile(Answer a) {
        String type = java.util.Optional.ofNullable(a.header("Content-Type")).orElse("");
        return (a.status() == 200 || a.status() == 304)
                && (type.startsWith("text/html") || type.startsWith("text/javascript") || type.startsWith("text/css") || type.startsWith("image/svg+xml"));
    }

    /** The envelope of a 2xx or a 4xx; a 5xx, a non-JSON body or an error that leaks internals fails. */
    public static JsonNode assertEnvelope(Answer a) {
        assertThat(a.status()).as("never a 5xx: " + a.body()).isBetween(200, 499);
        JsonNode json;
        try {
            json = TestJson.MAPPER.readTree(a.body());
        } catch (IOException e) {
            throw new AssertionError("Not JSON (status " + a.status() + "): " + abbreviate(a.body()), e);
        }
        assertThat(json != null && json.isObject() && json.has("data") && json.has("error")).as(abbreviate(a.body())).isTrue();
        assertThat(json.size()).as("the envelope has two fields").isEqualTo(2);
        if (a.status() < 300) {
            assertThat(json.get("error").isNull()).as(abbreviate(a.body())).isTrue();
        } else {
            assertThat(json.get("data").isNull()).as(a.body()).isTrue();
            assertThat(json.get("error").isTextual()).as(a.body()).isTrue();
            assertThat(json.get("error").asText()).isNotBlank()
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.").doesNotContain("org.")
                    .doesNotContain("io.heliograph").doesNotContain("SQL").doesNotContain("Internal server error");
        }
        return json;
    }

    /** What the store holds for an organization. */
    public record Counts(long logs, long properties, long webhooks, long deliveries, String webhookState, String keys) {
        public static final Counts EMPTY = new Counts(0, 0, 0, 0, "", "");

        public Counts withoutKeys() {
            return new Counts(logs, properties, webhooks, deliveries, webhookState, null);
        }
    }

    public static Counts counts(TestServer server, String orgId) {
        return server.heliograph().database().jdbi().withHandle(h -> {
            Function<String, Long> count = table -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE org_id = :org")
                    .bind("org", orgId).mapTo(Long.class).one();
            List<String> webhooks = h.createQuery("SELECT id, destination, enabled, sample_rate, property_filters, include_data, "
                            + "deleted_at, hmac_key FROM webhooks WHERE org_id = :org ORDER BY id")
                    .bind("org", orgId)
                    .map((rs, ctx) -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getBoolean(3) + "|" + rs.getDouble(4) + "|"
                            + rs.getString(5) + "|" + rs.getBoolean(6) + "|" + rs.getObject(7) + "#" + rs.getString(8))
                    .list();
            return new Counts(count.apply("request_logs"), count.apply("request_properties"), count.apply("webhooks"),
                    count.apply("deliveries"),
                    webhooks.stream().map(w -> w.substring(0, w.indexOf('#'))).collect(Collectors.joining("\n")),
                    webhooks.stream().map(w -> w.substring(w.indexOf('#'))).collect(Collectors.joining("\n")));
        });
    }

    public static long count(TestServer server, String sql, Object... args) {
        return server.heliograph().database().jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.mapTo(Long.class).one();
        });
    }

    private static List<String> ids(TestServer server, String sql, String arg) {
        return server.heliograph().database().jdbi().withHandle(h -> h.createQuery(sql).bind(0, arg).mapTo(String.class).list());
    }

    public static Org freshOrg(TestServer server) {
        CreatedKey key = server.keys().createKey("junk-" + UUID.randomUUID());
        return new Org(server.keys().authenticate(key.key()).orElseThrow().orgId(), key.key());
    }

    public static String createWebhook(TestServer server, Org org, String destination) {
        Answer a = call(server, "POST", "/v1/webhooks", ("{\"destination\":\"" + destination + "\",\"config\":{}}")
                .getBytes(StandardCharsets.UTF_8), "application/json", org.key(), List.of());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return TestJson.parse(a.body()).get("data").get("id").asText();
    }

    public static boolean isUuidShaped(String s) {
        return s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    /** The query string, each name and value percent-encoded as UTF-8 (raw parameters as written). */
    public static String queryString(List<QueryParam> params) {
        if (params.isEmpty()) {
            return "";
        }
        return params.stream().map(p -> p.raw() ? p.name() : encode(p.name()) + "=" + encode(p.value()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** A string as the server reads it back from UTF-8: lone surrogates become '?'. */
    public static String sentForm(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** A JSON string literal; {@code ascii} escapes everything beyond ASCII, else only what JSON requires (and lone surrogates). */
    public static String quote(String s, boolean ascii) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (!ascii && Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || (ascii && c > 0x7e)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }

    public static Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just("application/json")),
                Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(3, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.helicone+json",
                        "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
                        "json", "application/json;", "*/*", "application/json; charset=latin1")));
    }

    /** Any JSON text: numbers at and past every limit, odd strings, deep and long values. */
    public static Arbitrary<String> junkJson() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("null", "true", "false", "0", "-0", "-1", "1", "1.5", "-1.5", "1e400", "-1e400", "1e-400",
                        "1E2", "100.0", "2147483648", "9223372036854775808", "-9223372036854775809",
                        "123456789012345678901234567890", "0.1e1", "{}", "[]", "\"\"")),
                Tuple.of(1, Arbitraries.just("1".repeat(1001))),
                Tuple.of(4, junkText().map(s -> quote(s, false))),
                Tuple.of(1, junkText().map(s -> quote(s, true))),
                Tuple.of(3, jsonValue(2)),
                Tuple.of(1, deepJson()),
                Tuple.of(1, Arbitraries.of(MIB, 2 * MIB).map(n -> "\"" + "x".repeat(n) + "\"")));
    }

    public static Arbitrary<String> deepJson() {
        return Combinators.combine(Arbitraries.of(50, 190, 196, 197, 198, 199, 250, 5000), Arbitraries.of(true, false))
                .as((depth, arrays) -> arrays ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    }

    public static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5e308", "\"\"", "{}", "[]"),
                Arbitraries.integers().map(String::valueOf),
                junkText().map(s -> quote(s, false)));
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<String> child = jsonValue(depth - 1);
        Arbitrary<String> array = child.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.of("model", "usage", "choices", "seconds", "a"), junkText()), child)
                .as((k, v) -> quote(k, false) + ":" + v)
                .list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }

    /** Strings that are hard to store or compare: NULs, lone surrogates, case folding that changes length, control characters. */
    public static Arbitrary<String> junkText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(10),
                Arbitraries.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udc00x", "x\ud83d", "\ud83d\ude00", "\u2028\u2029", "\ufeff",
                        "\uffff", "\u0130", "\u00df", "\ufb00", "\u03a3", "e\u0301", "\u202e", "\u0085", "\t\r\n", "null", "NaN",
                        "<script>", "'; DROP TABLE request_logs; --", "%00", "../../etc/passwd", "\\", "\""));
    }

    /** Strings of exactly the given lengths (in UTF-16 units, as the service counts), in ASCII, Latin-1 and emoji. */
    public static Arbitrary<String> lengthProbe(List<Integer> lengths) {
        return Combinators.combine(Arbitraries.of(lengths), Arbitraries.of("x", "\u00e9", "\ud83d\ude00"))
                .as((n, unit) -> unit.length() == 1 ? unit.repeat(n) : unit.repeat(n / 2) + "x".repeat(n % 2));
    }
}
