package io.heliograph.e2e;

import static io.heliograph.support.RouteJunk.HELICONE_OPENAI;
import static io.heliograph.support.RouteJunk.PLAIN_BASE;
import static io.heliograph.support.RouteJunk.abbreviate;
import static io.heliograph.support.RouteJunk.assertEnvelope;
import static io.heliograph.support.RouteJunk.call;
import static io.heliograph.support.RouteJunk.contentTypes;
import static io.heliograph.support.RouteJunk.counts;
import static io.heliograph.support.RouteJunk.freshOrg;
import static io.heliograph.support.RouteJunk.junkJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.support.RouteJunk;
import io.heliograph.support.RouteJunk.Answer;
import io.heliograph.support.RouteJunk.Counts;
import io.heliograph.support.RouteJunk.Org;
import io.heliograph.support.RouteJunk.Servers;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Any method on any path, known or not, with or without a key, on both stores: never a 5xx, an
 * envelope wherever the API answers, and nothing stored by a refusal.
 */
class AnyRouteJunkTest {
    private static Servers servers;

    @BeforeContainer
    static void start() {
        servers = Servers.start();
    }

    @AfterContainer
    static void stop() {
        servers.close();
    }

    /** Any method on any path, known or not, with or without a key: never a 5xx, and nothing stored by a refusal. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void randomMethodsAndPathsNeverFail(@ForAll("randomRequests") RandomRequest r, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Org org = freshOrg(server);
        String key = switch (r.auth()) {
            case "KEY" -> org.key();
            case "NONE" -> null;
            default -> r.auth();
        };
        Answer a = call(server, r.method(), r.path(), r.body(), r.contentType(), key, List.of());
        Statistics.collect(a.status());
        assertThat(a.status()).as(a.body()).isLessThan(500);
        if (!r.method().equals("HEAD") && !isHealthOrMetrics(a) && !RouteJunk.isDashboardFile(a)) {
            assertEnvelope(a);
        }
        Counts after = counts(server, org.id());
        if (a.status() >= 300) {
            assertThat(after).as("a refused request stores nothing").isEqualTo(Counts.EMPTY);
        } else {
            assertThat(after.logs()).isLessThanOrEqualTo(1);
            assertThat(after.deliveries()).isZero();
        }
    }

    record RandomRequest(String method, String path, byte[] body, String contentType, String auth) {
        @Override
        public String toString() {
            return method + " " + abbreviate(path) + " auth=" + abbreviate(auth) + " ct=" + contentType + " body="
                    + (body == null ? null : abbreviate(new String(body, StandardCharsets.UTF_8)));
        }
    }

    @Provide
    Arbitrary<RandomRequest> randomRequests() {
        List<String> known = List.of("/v1/webhooks", "/v1/webhooks/" + UUID.randomUUID(), "/v1/webhooks/ID/rotate-secret",
                "/v1/webhooks/ID/test", "/v1/webhooks/ID/deliveries", "/v1/webhooks/ID/deliveries/msg_x/retry", "/v1/webhooks/ID/recover",
                "/v1/webhooks/ID/stats", "/v1/request/log", "/v1/request/ID", "/v1/requests", "/custom/v1/log", "/oai/v1/log",
                "/anthropic/v1/log", "/googleapis/v1/log", "/bodies/ID", "/healthz", "/readyz", "/metrics", "/", "/v1", "/v1/");
        Arbitrary<String> knownPath = Arbitraries.of(known).map(p -> p.replace("ID", UUID.randomUUID().toString()));
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("v1", "webhooks", "request", "requests", "log", "custom", "anthropic", "googleapis", "bodies",
                        "deliveries", "retry", "recover", "stats", "test", "rotate-secret", "healthz", "readyz", "metrics", "..", ".",
                        "%2e%2e", "%2F", "", "%00", "%ff", "%C3%A9", "a".repeat(300), "%252F", ";x=y", "~", "V1", "WEBHOOKS"),
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.strings().alpha().numeric().withChars("-_.~!$&'()*+,;=:@").ofMaxLength(12));
        Arbitrary<String> randomPath = segment.list().ofMinSize(1).ofMaxSize(6).map(s -> "/" + String.join("/", s));
        Arbitrary<String> query = Arbitraries.of("", "", "?", "?a=b", "?limit=-1", "?%00=%00", "?a&&b==c", "?x=" + "y".repeat(100));
        Arbitrary<String> path = Combinators.combine(Arbitraries.oneOf(knownPath, randomPath),
                        Arbitraries.of("", "", "/", "//", "/."), query)
                .as((p, tail, q) -> p + tail + q)
                .filter(p -> !p.toLowerCase(Locale.ROOT).contains("oai") || p.startsWith("/oai/v1/log"));
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("GET", "POST")),
                Tuple.of(3, Arbitraries.of("PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "PROPFIND")));
        Arbitrary<byte[]> body = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(2, junkJson().map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(1, Arbitraries.of(HELICONE_OPENAI, PLAIN_BASE.replace("REQUEST_ID", UUID.randomUUID().toString()),
                        "{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}").map(s -> s.getBytes(StandardCharsets.UTF_8))));
        Arbitrary<String> auth = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("KEY")),
                Tuple.of(2, Arbitraries.just("NONE")),
                Tuple.of(1, Arbitraries.of("", "hg_nope", "x".repeat(600), "\u00e9\u00e9")));
        return Combinators.combine(method, path, body, contentTypes(), auth).as(RandomRequest::new);
    }

    private static boolean isHealthOrMetrics(Answer a) {
        String type = Optional.ofNullable(a.header("Content-Type")).orElse("");
        return a.status() == 200 && (type.startsWith("text/plain") || a.body().startsWith("{\"status\""))
                || a.status() == 503 && a.body().startsWith("{\"status\"");
    }
}
