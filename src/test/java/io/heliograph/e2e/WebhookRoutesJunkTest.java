package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated junk thrown at the create and patch routes, on both stores: every answer must be a 200
 * or a 4xx in the envelope, never a 500, a hang or a non-JSON body.
 */
class WebhookRoutesJunkTest {
    private static final Set<Integer> ALLOWED = Set.of(200, 400, 404, 413, 415);
    private static final Map<StoreKind, TestServer> SERVERS = new EnumMap<>(StoreKind.class);
    private static final Map<StoreKind, String> WEBHOOK_PATHS = new EnumMap<>(StoreKind.class);

    @BeforeContainer
    static void start() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = TestServer.start(kind);
            SERVERS.put(kind, server);
            String id = server.api().post("/v1/webhooks", "{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}")
                    .data().get("id").asText();
            WEBHOOK_PATHS.put(kind, "/v1/webhooks/" + id);
        }
    }

    @AfterContainer
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
        SERVERS.clear();
    }

    @Property(tries = 300)
    void createNeverFails(@ForAll("bodies") String body, @ForAll StoreKind kind, @ForAll("contentTypes") String contentType) {
        assertEnvelope(SERVERS.get(kind).api().send("POST", "/v1/webhooks", body, contentType));
    }

    @Property(tries = 300)
    void patchNeverFails(@ForAll("bodies") String body, @ForAll StoreKind kind, @ForAll("ids") String id) {
        String path = id.isEmpty() ? WEBHOOK_PATHS.get(kind) : "/v1/webhooks/" + id;
        assertEnvelope(SERVERS.get(kind).api().patch(path, body));
    }

    private static void assertEnvelope(Api.Response r) {
        assertThat(r.status()).as(r.body()).isIn(ALLOWED);
        JsonNode json = r.json();
        assertThat(json.has("data") && json.has("error")).as(r.body()).isTrue();
        if (r.status() == 200) {
            assertThat(json.get("error").isNull()).isTrue();
        } else {
            assertThat(json.get("data").isNull()).isTrue();
            assertThat(json.get("error").isTextual()).isTrue();
            assertThat(json.get("error").asText()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().alpha().numeric().withChars("-_.~").ofMaxLength(40)
                .filter(s -> !s.isEmpty() && !s.equals(".") && !s.equals("..")));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json; charset=utf-8", "text/plain", "application/problem+json",
                "multipart/form-data; boundary=x", "", "application/x-www-form-urlencoded");
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                jsonValue(3),
                webhookShaped());
    }

    /** Objects shaped like a real create/patch, with each field drawn from valid and invalid values. */
    private Arbitrary<String> webhookShaped() {
        Arbitrary<String> destination = Arbitraries.oneOf(jsonValue(1), Arbitraries.of(
                "\"https://hooks.example.com/x\"", "\"http://hooks.example.com\"", "\"https://127.0.0.1\"", "\"https://[::1]/\"",
                "\"https://0x7f.1\"", "\"https://a@b@c\"", "\"https://%zz\"", "\"https://[zz]\"", "\"https://x:99999\"",
                "\"https://\u00e9xample.com\"", "\"https://" + "a".repeat(300) + ".com\"", "\"\\u0000\"", "\"https://hooks.example.com:-1/\""));
        Arbitrary<String> sampleRate = Arbitraries.oneOf(jsonValue(1), Arbitraries.doubles().map(d -> Double.toString(d)),
                Arbitraries.of("1e400", "-0", "100", "0", "1E2", "99.99999999999999999"));
        Arbitrary<String> filters = Arbitraries.oneOf(jsonValue(2), Arbitraries.of("[{\"key\":\"a\",\"value\":\"b\"}]",
                "[{\"key\":\"a\"}]", "[{}]", "[null]"));
        Arbitrary<String> bool = Arbitraries.oneOf(jsonValue(1), Arbitraries.of("true", "false"));
        return Combinators.combine(destination, sampleRate, filters, bool, bool)
                .as((d, s, f, i, e) -> "{\"destination\":" + d + ",\"config\":{\"sampleRate\":" + s + ",\"propertyFilters\":" + f
                        + ",\"includeData\":" + i + "},\"enabled\":" + e + ",\"includeData\":" + i + "}");
    }

    private Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5e308", "\"\"", "{}", "[]"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(30).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<String> child = jsonValue(depth - 1);
        Arbitrary<String> array = child.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(
                        Arbitraries.of("destination", "config", "sampleRate", "propertyFilters", "includeData", "enabled", "key", "value", "x"),
                        child).as((k, v) -> "\"" + k + "\":" + v)
                .list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }
}
