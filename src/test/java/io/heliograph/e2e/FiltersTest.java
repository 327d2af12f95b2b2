package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Filter expressions (SPEC §8) as a customer uses them: webhooks with alerting filters over a mixed
 * stream of logs, each receiver getting exactly the requests its filter picks; the filter shown,
 * replaced and removed through the API; validation in the spec's order; {@code POST /v1/filters/test}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class FiltersTest {
    private static final String ERRORS = "{\"$or\":[{\"status\":{\"$gte\":400}},{\"outcome\":{\"$ne\":\"completed\"}}]}";

    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.builder(store).loopbackReceivers().start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Api freshOrg() {
        return server.apiForNewKey("filters-" + UUID.randomUUID());
    }

    /** A plain log: {@code model} (null for none), the response's status, how long it took, its properties. */
    private static String log(Api api, String model, int status, long latencyMs, String propertiesJson) {
        String id = UUID.randomUUID().toString();
        Instant start = Instant.parse("2026-01-15T10:00:00Z");
        String body = """
                {"request_id":"%s","model":%s,"provider":"openai","user_id":"u-1","properties":%s,
                 "request":{"messages":[{"role":"user","content":"hello"}]},
                 "response":{"choices":[{"message":{"role":"assistant","content":"hey"}}],
                   "usage":{"prompt_tokens":1000,"completion_tokens":2000,"total_tokens":3000}},
                 "status":%d,"started_at":"%s","ended_at":"%s"}
                """.formatted(id, model == null ? "null" : "\"" + model + "\"", propertiesJson, status, start,
                start.plusMillis(latencyMs));
        Api.Response r = api.post("/v1/request/log", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return id;
    }

    private static String config(String filterJson) {
        return "{\"filter\":" + filterJson + "}";
    }

    @Test
    void eachReceiverGetsExactlyTheRequestsItsFilterPicks() {
        Api api = freshOrg();
        Map<String, Receiver> receivers = new LinkedHashMap<>();
        try {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("everything", "{}");
            configs.put("errors", config(ERRORS));
            configs.put("slow", config("{\"latency_ms\":{\"$gt\":10000}}"));
            configs.put("expensive", config("{\"model\":{\"$prefix\":\"GPT-4o\"},\"cost\":{\"$gt\":0.01},"
                    + "\"properties.Environment\":\"prod\"}"));
            configs.put("unpriced", config("{\"cost\":{\"$exists\":false}}"));
            configs.put("acme-in-prod", "{\"propertyFilters\":[{\"key\":\"environment\",\"value\":\"prod\"}],"
                    + "\"filter\":{\"properties.customer\":{\"$in\":[\"acme\",\"globex\"]}}}");
            configs.put("not-mini", config("{\"$not\":{\"model\":{\"$regex\":\"mini$\"}}}"));
            for (Map.Entry<String, String> c : configs.entrySet()) {
                Receiver receiver = new Receiver();
                receivers.put(c.getKey(), receiver);
                Webhooks.create(api, receiver.url(), c.getValue(), false);
            }

            // gpt-4o: 1,000 × $2.50/M + 2,000 × $10/M = $0.0225; gpt-4o-mini: $0.00135; my-local-model: unpriced.
            String prodFast = log(api, "gpt-4o", 200, 500, "{\"environment\":\"prod\"}");
            String devError = log(api, "gpt-4o-mini", 500, 100, "{\"environment\":\"dev\"}");
            String slowUnpriced = log(api, "my-local-model", 200, 12_000, "{}");
            String prodRateLimited = log(api, "gpt-4o", 429, 50, "{\"environment\":\"prod\"}");
            String acmeProd = log(api, "gpt-4o-mini", 200, 20, "{\"environment\":\"prod\",\"customer\":\"acme\"}");
            String acmeDev = log(api, "gpt-4o-mini", 200, 20, "{\"environment\":\"dev\",\"customer\":\"acme\"}");
            String noModel = log(api, null, 503, 10, "{}");

            Map<String, List<String>> expected = new LinkedHashMap<>();
            expected.put("everything", List.of(prodFast, devError, slowUnpriced, prodRateLimited, acmeProd, acmeDev, noModel));
            expected.put("errors", List.of(devError, prodRateLimited, noModel));
            expected.put("slow", List.of(slowUnpriced));
            expected.put("expensive", List.of(prodFast, prodRateLimited));
            // No model, no price: a log without a model has no cost either.
            expected.put("unpriced", List.of(slowUnpriced, noModel));
            expected.put("acme-in-prod", List.of(acmeProd));
            // $not of a regex on a missing model: the regex is false, so its $not is true.
            expected.put("not-mini", List.of(prodFast, slowUnpriced, prodRateLimited, noModel));

            await().atMost(Duration.ofSeconds(15)).until(() -> expected.entrySet().stream()
                    .allMatch(e -> receivers.get(e.getKey()).received().size() >= e.getValue().size()));
            // Every delivery was written with its log, before the log's 200; a stray one would be on its way by now.
            sleep(1_000);
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                List<String> got = receivers.get(e.getKey()).received().stream().map(Receiver.Received::requestId).toList();
                assertThat(got).as(e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
            }
        } finally {
            receivers.values().forEach(Receiver::close);
        }
    }

    @Test
    void theFilterIsShownAsGivenReplacedAndRemoved() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            JsonNode created = Webhooks.create(api, receiver.url(), config("{\"status\": {\"$gte\": 400.0}}"), true);
            assertThat(created.get("config").get("filter")).isEqualTo(TestJson.parse("{\"status\":{\"$gte\":400.0}}"));
            String path = "/v1/webhooks/" + created.get("id").asText();
            assertThat(api.get(path).data().get("config").get("filter").toString()).isEqualTo("{\"status\":{\"$gte\":400.0}}");

            // A PATCH without config.filter keeps it.
            assertThat(api.patch(path, "{\"config\":{\"sampleRate\":50}}").data().get("config").get("filter").toString())
                    .isEqualTo("{\"status\":{\"$gte\":400.0}}");
            assertThat(api.patch(path, "{\"config\":{\"filter\":{\"model\":\"gpt-4o\"}}}").data().get("config").get("filter").toString())
                    .isEqualTo("{\"model\":\"gpt-4o\"}");
            assertThat(api.get(path).data().get("config").get("filter").toString()).isEqualTo("{\"model\":\"gpt-4o\"}");

            JsonNode removed = api.patch(path, "{\"config\":{\"filter\":null,\"sampleRate\":100}}").data();
            assertThat(removed.get("config").has("filter")).isTrue();
            assertThat(removed.get("config").get("filter").isNull()).isTrue();
            assertThat(api.get(path).data().get("config").get("filter").isNull()).isTrue();
            // Removed means everything matches again: a log of another model arrives.
            String id = log(api, "claude-3-5-sonnet", 200, 10, "{}");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                    .anyMatch(r -> r.requestId().equals(id)));
        }
        JsonNode none = Webhooks.create(api, "https://hooks.example.com/none", "{}", true);
        assertThat(none.get("config").has("filter")).isTrue();
        assertThat(none.get("config").get("filter").isNull()).isTrue();
    }

    @Test
    void aBadFilterIsRefusedWithItsPointerAfterTheSpecsOwnChecksAndBeforeTheLimits() {
        Api api = freshOrg();
        String dest = "https://hooks.example.com/x";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"destination\":\"" + dest + "\",\"config\":{\"filter\":{\"$or\":[{\"status\":{\"$gte\":\"400\"}}]}}}",
                "Invalid filter at /config/filter/$or/0/status/$gte: operand must be a number");
        cases.put("{\"destination\":\"" + dest + "\",\"config\":{\"filter\":[]}}",
                "Invalid filter at /config/filter: must be an object");
        cases.put("{\"destination\":\"" + dest + "\",\"config\":{\"filter\":{\"properties.a/b~c\":{\"$in\":[\"x\",1]}}}}",
                "Invalid filter at /config/filter/properties.a~1b~0c/$in/1: operand must be a string");
        cases.put("{\"destination\":\"" + dest + "\",\"config\":{\"filter\":{\"colour\":\"red\"}}}",
                "Invalid filter at /config/filter/colour: unknown field");
        // Check 10 (includeData) comes before the filter …
        cases.put("{\"destination\":\"" + dest + "\",\"includeData\":\"yes\",\"config\":{\"filter\":{\"colour\":\"red\"}}}",
                "includeData must be a boolean");
        // … and the filter before the limits beyond the spec.
        cases.put("{\"destination\":\"" + dest + "?" + "q".repeat(3000) + "\",\"config\":{\"filter\":{\"colour\":\"red\"}}}",
                "Invalid filter at /config/filter/colour: unknown field");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Api.Response r = api.post("/v1/webhooks", c.getKey());
            assertThat(r.status()).as(c.getValue()).isEqualTo(400);
            assertThat(r.error()).isEqualTo(c.getValue());
        }
        String id = Webhooks.create(api, dest, "{}", true).get("id").asText();
        Api.Response patched = api.patch("/v1/webhooks/" + id, "{\"enabled\":\"no\",\"config\":{\"filter\":{\"$not\":[]}}}");
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.error()).isEqualTo("Invalid filter at /config/filter/$not: must be an object");
        assertThat(api.get("/v1/webhooks/" + id).data().get("config").get("filter").isNull()).isTrue();
    }

    @Test
    void filtersAreTriedOnTheOrgsOwnLogsOnly() {
        Api api = freshOrg();
        String error = log(api, "gpt-4o", 500, 10, "{}");
        String ok = log(api, "gpt-4o", 200, 10, "{}");
        String otherError = log(api, "gpt-4o-mini", 429, 10, "{}");
        Api other = freshOrg();
        String othersError = log(other, "gpt-4o", 500, 10, "{}");

        JsonNode given = api.post("/v1/filters/test", "{\"filter\":" + ERRORS + ",\"request_ids\":[\"" + otherError + "\",\""
                + ok + "\",\"" + othersError + "\",\"not-an-id\",\"" + UUID.randomUUID() + "\",\"" + error + "\"]}").data();
        assertThat(given.get("tested").asInt()).isEqualTo(3);
        List<String> matched = new ArrayList<>();
        given.get("matched").forEach(m -> matched.add(m.asText()));
        assertThat(matched).containsExactly(otherError, error);

        JsonNode latest = api.post("/v1/filters/test", "{\"filter\":{\"status\":{\"$gte\":400}}}").data();
        assertThat(latest.get("tested").asInt()).isEqualTo(3);
        List<String> latestMatched = new ArrayList<>();
        latest.get("matched").forEach(m -> latestMatched.add(m.asText()));
        assertThat(latestMatched).containsExactlyInAnyOrder(error, otherError).doesNotContain(othersError);

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{}", "Invalid filter at /filter: must be an object");
        bad.put("{\"filter\":null}", "Invalid filter at /filter: must be an object");
        bad.put("{\"filter\":{\"status\":{\"$gt\":true}}}", "Invalid filter at /filter/status/$gt: operand must be a number");
        bad.put("{\"filter\":{},\"request_ids\":[]}", "request_ids must be an array of 1 to 100 ids");
        bad.put("{\"filter\":{},\"request_ids\":\"" + ok + "\"}", "request_ids must be an array of 1 to 100 ids");
        bad.put("{\"filter\":{},\"request_ids\":[1]}", "request_ids must be an array of 1 to 100 ids");
        bad.put("{\"filter\":{},\"request_ids\":[" + "\"x\",".repeat(100) + "\"x\"]}", "request_ids must be an array of 1 to 100 ids");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Api.Response r = api.post("/v1/filters/test", b.getKey());
            assertThat(r.status()).as(b.getKey()).isEqualTo(400);
            assertThat(r.error()).isEqualTo(b.getValue());
        }
        assertThat(api.withKey("hg_nope").post("/v1/filters/test", "{\"filter\":{}}").status()).isEqualTo(401);
    }

    @Test
    void junkFiltersAre400sNever500s() {
        Api api = freshOrg();
        String dest = "https://hooks.example.com/junk";
        List<String> junk = new ArrayList<>();
        junk.add("{\"$and\":[".repeat(200) + "{}" + "]}".repeat(200));
        junk.add("{\"$not\":".repeat(2000) + "{}" + "}".repeat(2000));
        junk.add("{\"model\":{\"$in\":[" + "\"m\",".repeat(100_000) + "\"m\"]}}");
        junk.add("{\"model\":{\"$eq\":\"" + "x".repeat(1 << 20) + "\"}}");
        junk.add("{\"status\":{\"$gte\":1e999}}");
        junk.add("{\"status\":{\"$in\":[]}}");
        junk.add("{\"model\":{\"$regex\":\"(a\"}}");
        junk.add("{\"model\":{\"$regex\":\"(a)\\\\1\"}}");
        junk.add("{\"model\":{\"$unknown\":1}}");
        junk.add("{\"\":1}");
        junk.add("{\"properties.\":\"x\"}");
        junk.add("\"text\"");
        junk.add("42");
        junk.add("true");
        junk.add("{\"model\":{\"$exists\":\"yes\"}}");
        for (String filter : junk) {
            Api.Response r = api.post("/v1/webhooks", "{\"destination\":\"" + dest + "\",\"config\":{\"filter\":" + filter + "}}");
            String shown = filter.length() > 80 ? filter.substring(0, 80) + "…" : filter;
            assertThat(r.status()).as(shown + " → " + r.body()).isIn(200, 400);
            if (r.status() == 400) {
                assertThat(r.error()).as(shown).matches("(?s)Invalid (filter at /config/filter.*|JSON body.*)|Request body too large.*");
            }
            Api.Response t = api.post("/v1/filters/test", "{\"filter\":" + filter + "}");
            assertThat(t.status()).as(shown + " → " + t.body()).isIn(200, 400, 413);
        }
        // Not UTF-8: refused as a body, not a 500.
        byte[] latin1 = ("{\"destination\":\"" + dest + "\",\"config\":{\"filter\":{\"model\":\"caf\u00e9\"}}}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Api.Response r = api.send("POST", "/v1/webhooks", latin1, "application/json");
        assertThat(r.status()).isEqualTo(400);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
