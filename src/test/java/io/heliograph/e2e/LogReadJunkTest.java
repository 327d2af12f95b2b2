package io.heliograph.e2e;

import static io.heliograph.support.RouteJunk.assertEnvelope;
import static io.heliograph.support.RouteJunk.call;
import static io.heliograph.support.RouteJunk.counts;
import static io.heliograph.support.RouteJunk.isUuidShaped;
import static io.heliograph.support.RouteJunk.junkText;
import static io.heliograph.support.RouteJunk.parseLong;
import static io.heliograph.support.RouteJunk.queryString;
import static io.heliograph.support.RouteJunk.sentForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.RouteJunk.Answer;
import io.heliograph.support.RouteJunk.Counts;
import io.heliograph.support.RouteJunk.Fixture;
import io.heliograph.support.RouteJunk.FixtureLog;
import io.heliograph.support.RouteJunk.QueryParam;
import io.heliograph.support.RouteJunk.Servers;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 * Generated junk thrown at the routes that read logs back, on both stores: {@code GET /v1/request/{id}}
 * with ids of every shape, and {@code GET /v1/requests} with junk and real filters, limits and cursors,
 * against a fixture whose answers are known exactly. Reading never changes what is stored.
 */
class LogReadJunkTest {
    private static Servers servers;

    @BeforeContainer
    static void start() {
        servers = Servers.startWithFixtures();
    }

    @AfterContainer
    static void stop() {
        servers.close();
    }

    /** {@code GET /v1/request/{id}} with ids of every shape. */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void readingOneLogNeverFails(@ForAll("logIds") String idRef, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Fixture f = servers.fixture(kind);
        Counts before = counts(server, f.org().id());
        FixtureLog first = f.logs().get(0);
        String id = switch (idRef) {
            case "REAL" -> first.id();
            case "REAL_UPPER" -> first.id().toUpperCase(Locale.ROOT);
            case "OTHER_ORG" -> f.otherOrgLog();
            default -> idRef;
        };
        Answer a = call(server, "GET", "/v1/request/" + id, null, null, f.org().key(), List.of());
        JsonNode json = assertEnvelope(a);
        Statistics.collect(a.status());
        if (idRef.startsWith("REAL")) {
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(json.get("data").get("request_id").asText()).isEqualTo(first.id());
            assertThat(json.get("data").get("request")).isEqualTo(TestJson.parse(first.request()));
            assertThat(json.get("data").get("properties")).isEqualTo(TestJson.tree(first.properties()));
        } else {
            assertThat(a.status()).as(a.body()).isIn(404, 414);
            if (isUuidShaped(id)) {
                assertThat(json.get("error").asText()).isEqualTo("Request not found");
            }
        }
        assertThat(counts(server, f.org().id())).isEqualTo(before);
    }

    /** {@code GET /v1/requests} with junk and real filters, limits and cursors: the answer is exactly the matching logs. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void listingLogsAnswersExactlyTheMatches(@ForAll("listQueries") List<QueryParam> query, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Fixture f = servers.fixture(kind);
        Counts before = counts(server, f.org().id());
        String realCursor = query.stream().anyMatch(p -> p.value().equals("REAL_CURSOR"))
                ? assertEnvelope(call(server, "GET", "/v1/requests?limit=2", null, null, f.org().key(), List.of()))
                        .get("data").get("next_cursor").asText()
                : null;
        List<QueryParam> sent = query.stream()
                .map(p -> p.value().equals("REAL_CURSOR") ? new QueryParam(p.name(), realCursor, false) : p).toList();
        Answer a = call(server, "GET", "/v1/requests" + queryString(sent), null, null, f.org().key(), List.of());
        JsonNode json = assertEnvelope(a);
        Statistics.label("answer").collect(a.status() + (a.status() == 200 ? "" : " " + json.get("error").asText()));
        Statistics.label("predicted exactly").collect(expectList(sent, f.logs()).isPresent());
        assertThat(a.status()).as(a.body()).isIn(200, 400, 414);

        Optional<ListExpectation> expected = expectList(sent, f.logs());
        if (expected.isPresent() && a.status() != 414) {
            ListExpectation e = expected.get();
            if (e.error() != null) {
                assertThat(a.status()).as(a.body()).isEqualTo(400);
                assertThat(json.get("error").asText()).as(a.body()).contains(e.error());
            } else {
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                List<String> ids = new ArrayList<>();
                json.get("data").get("items").forEach(item -> ids.add(item.get("request_id").asText()));
                assertThat(ids).isEqualTo(e.ids());
                assertThat(json.get("data").get("next_cursor").isNull()).isEqualTo(!e.more());
            }
        }
        if (a.status() == 200) {
            JsonNode items = json.get("data").get("items");
            assertThat(items.size()).isLessThanOrEqualTo(500);
            items.forEach(item -> assertThat(item.has("request")).as("lists carry no bodies").isFalse());
        }
        assertThat(counts(server, f.org().id())).isEqualTo(before);
    }

    /** Was a 503 on PostgreSQL, which refuses a NUL even as a query parameter: now a 400 on both stores. */
    @Example
    void aNulInAListFilterOrCursorIsABadRequest() {
        String nulCursor = Base64.getUrlEncoder().withoutPadding().encodeToString("5:a\u0000b".getBytes(StandardCharsets.UTF_8));
        Map<String, String> cases = Map.of(
                "/v1/requests?model=%00", "model must not contain NUL characters or unpaired surrogates",
                "/v1/requests?user_id=x%00", "user_id must not contain NUL characters or unpaired surrogates",
                "/v1/requests?property.env=%00", "Property filters must not contain NUL characters or unpaired surrogates",
                "/v1/requests?property.%00=prod", "Property filters must not contain NUL characters or unpaired surrogates",
                "/v1/requests?cursor=" + nulCursor, "Invalid cursor",
                "/v1/webhooks/WEBHOOK/deliveries?cursor=" + nulCursor, "Invalid cursor");
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = servers.server(kind);
            Fixture f = servers.fixture(kind);
            cases.forEach((path, error) -> {
                Answer a = call(server, "GET", path.replace("WEBHOOK", f.okWebhook()), null, null, f.org().key(), List.of());
                assertThat(a.status()).as(kind + " " + path + " " + a.body()).isEqualTo(400);
                assertThat(assertEnvelope(a).get("error").asText()).isEqualTo(error);
            });
        }
    }

    @Provide
    Arbitrary<String> logIds() {
        return Arbitraries.oneOf(
                Arbitraries.of("REAL", "REAL_UPPER", "OTHER_ORG"),
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.of("not-a-uuid", "%00", "%20" + UUID.randomUUID(), UUID.randomUUID().toString().replace("-", ""),
                        "%7B" + UUID.randomUUID() + "%7D", "..", "%2e%2e", "%2F", "a".repeat(3000), "%C3%A9", "%ED%A0%80",
                        "x;y=z", "0", "-1"),
                Arbitraries.strings().alpha().numeric().withChars("-_.~").ofMinLength(1).ofMaxLength(40)
                        .filter(s -> !s.equals(".") && !s.equals("..")));
    }

    @Provide
    Arbitrary<List<QueryParam>> listQueries() {
        Arbitrary<QueryParam> limit = Arbitraries.of("1", "2", "5", "50", "500", "501", "0", "-1", " 3", "+3", "3.0", "1e2", "abc", "",
                "2147483648", "\u0663", "\u0000").map(v -> new QueryParam("limit", v, false));
        Arbitrary<QueryParam> cursor = Arbitraries.oneOf(
                Arbitraries.of("REAL_CURSOR", "", "====", "abc", "!!", "MTc2ODQ3MzAwMDAwMDp6", "%"),
                Arbitraries.of("5:a\u0000b", "-1:x", "99999999999999999999:x", ":x", "5:", "1768473004000:ffffffff", "x:y",
                        "1768473004000:\ud800", "1768473004000:" + "z".repeat(2000))
                        .map(s -> Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8))))
                .map(v -> new QueryParam("cursor", v, false));
        Arbitrary<QueryParam> model = Arbitraries.oneOf(Arbitraries.of("gpt-4o", "GPT-4O", "claude-3-5-sonnet", "", "nope", "\u0000"),
                junkText()).map(v -> new QueryParam("model", v, false));
        Arbitrary<QueryParam> user = Arbitraries.oneOf(Arbitraries.of("alice", "bob", "\u00dcn\u00ef\ud83d\ude00", "", "a\u0000"),
                junkText()).map(v -> new QueryParam("user_id", v, false));
        Arbitrary<QueryParam> property = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of("env", "ENV", "Env", "team", "weird key", "", "\u0000"), junkText()),
                Arbitraries.oneOf(Arbitraries.of("prod", "dev", "a", "", "\u0000", "\u00e9\ud83d\ude00 \"x\""), junkText()))
                .as((k, v) -> new QueryParam("property." + k, v, false));
        Arbitrary<QueryParam> junk = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("unknown", "property", "Limit", "LIMIT", "cursor[]", ""), junkText())
                        .as((k, v) -> new QueryParam(k, v, false)),
                Arbitraries.of("model=%ff%fe", "user_id=%ED%A0%80", "property.env=%C0%80", "limit=%31", "property.%ED%A0%80=x",
                        "model", "property.env").map(s -> new QueryParam(s, "", true)));
        Arbitrary<List<QueryParam>> manyProperties = Arbitraries.integers().between(9, 13).map(n -> IntStream.range(0, n)
                .mapToObj(i -> new QueryParam("property.k" + i, "v", false)).toList());
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.frequencyOf(Tuple.of(2, limit), Tuple.of(2, cursor), Tuple.of(2, model), Tuple.of(2, user),
                        Tuple.of(3, property), Tuple.of(1, junk)).list().ofMaxSize(5)),
                Tuple.of(1, Combinators.combine(manyProperties, limit.list().ofMaxSize(1)).as((p, l) -> {
                    List<QueryParam> all = new ArrayList<>(p);
                    all.addAll(l);
                    return all;
                })));
    }

    record ListExpectation(String error, List<String> ids, boolean more) {
    }

    /**
     * The answer a list query must get, when it can be worked out: an error message, or exactly which
     * logs. Empty when the query repeats a parameter, sends raw bytes or a junk cursor (then only the
     * general rules are checked).
     */
    private static Optional<ListExpectation> expectList(List<QueryParam> params, List<FixtureLog> logs) {
        if (params.stream().anyMatch(QueryParam::raw)
                || params.stream().map(QueryParam::name).distinct().count() != params.size()) {
            return Optional.empty();
        }
        Map<String, String> sent = new LinkedHashMap<>();
        params.forEach(p -> sent.put(sentForm(p.name()), sentForm(p.value())));
        Map<String, String> properties = new LinkedHashMap<>();
        Set<String> lowered = new HashSet<>();
        for (Map.Entry<String, String> e : sent.entrySet()) {
            if (e.getKey().startsWith("property.") && e.getKey().length() > "property.".length()) {
                String key = e.getKey().substring("property.".length()).toLowerCase(Locale.ROOT);
                if (!lowered.add(key)) {
                    return Optional.empty(); // which of the two wins is not this test's business
                }
                properties.put(key, e.getValue());
            }
        }
        if (properties.size() > 10) {
            return Optional.of(new ListExpectation("At most 10 property filters per query", null, false));
        }
        String model = sent.getOrDefault("model", "");
        String user = sent.getOrDefault("user_id", "");
        boolean nul = model.contains("\u0000") || user.contains("\u0000")
                || properties.entrySet().stream().anyMatch(e -> e.getKey().contains("\u0000") || e.getValue().contains("\u0000"));
        if (nul) {
            return Optional.of(new ListExpectation("must not contain NUL characters", null, false));
        }
        int limit = 50;
        if (sent.containsKey("limit")) {
            try {
                limit = Integer.parseInt(sent.get("limit").trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                return Optional.of(new ListExpectation("limit must be an integer between 1 and 500", null, false));
            }
        }
        long afterTime = Long.MAX_VALUE;
        String afterId = null;
        String cursor = sent.getOrDefault("cursor", "");
        if (!cursor.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.of(new ListExpectation("Invalid cursor", null, false));
            }
            int colon = decoded.indexOf(':');
            Optional<Long> time = colon > 0 ? parseLong(decoded.substring(0, colon)) : Optional.empty();
            if (colon <= 0 || colon == decoded.length() - 1 || time.isEmpty() || decoded.contains("\u0000")) {
                return Optional.of(new ListExpectation("Invalid cursor", null, false));
            }
            afterTime = time.get();
            afterId = decoded.substring(colon + 1);
            if (!isUuidShaped(afterId) || logs.stream().noneMatch(l -> l.startedAt() == time.get())) {
                return Optional.empty(); // ids compare by the store's collation: only real cursors are predicted
            }
        }
        long t = afterTime;
        String id = afterId;
        List<String> matching = logs.stream()
                .filter(l -> model.isEmpty() || model.equals(l.model()))
                .filter(l -> user.isEmpty() || user.equals(l.userId()))
                .filter(l -> properties.entrySet().stream().allMatch(p -> p.getValue().equals(l.properties().get(p.getKey()))))
                .filter(l -> l.startedAt() < t || (l.startedAt() == t && id != null && l.id().compareTo(id) < 0))
                .sorted(Comparator.comparingLong(FixtureLog::startedAt).reversed())
                .map(FixtureLog::id)
                .toList();
        return Optional.of(new ListExpectation(null, matching.subList(0, Math.min(limit, matching.size())), matching.size() > limit));
    }
}
