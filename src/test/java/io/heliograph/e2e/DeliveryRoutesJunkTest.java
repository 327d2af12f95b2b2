package io.heliograph.e2e;

import static io.heliograph.support.RouteJunk.abbreviate;
import static io.heliograph.support.RouteJunk.assertEnvelope;
import static io.heliograph.support.RouteJunk.call;
import static io.heliograph.support.RouteJunk.contentTypes;
import static io.heliograph.support.RouteJunk.counts;
import static io.heliograph.support.RouteJunk.isUuidShaped;
import static io.heliograph.support.RouteJunk.junkJson;
import static io.heliograph.support.RouteJunk.junkText;
import static io.heliograph.support.RouteJunk.parseLong;
import static io.heliograph.support.RouteJunk.queryString;
import static io.heliograph.support.RouteJunk.sentForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.RouteJunk;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
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
 * Generated junk thrown at a webhook's sub-routes (test, deliveries, retry, recover, stats, and
 * rotate-secret beside them) and at the signed body links, on both stores, against a fixture with
 * delivered and failed deliveries: each changes only what it says, and a link opens only for its
 * exact signature.
 */
class DeliveryRoutesJunkTest {
    private static Servers servers;

    @BeforeContainer
    static void start() {
        servers = Servers.startWithFixtures();
    }

    @AfterContainer
    static void stop() {
        servers.close();
    }

    /** rotate-secret, test, deliveries, retry, recover and stats of a webhook, with junk ids, queries and bodies. */
    @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
    void webhookSubRoutesChangeOnlyWhatTheySay(@ForAll("subRouteCalls") SubRouteCall op, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Fixture f = servers.fixture(kind);
        String webhookId = switch (op.webhook()) {
            case "FAILING" -> f.failingWebhook();
            case "FAILING_UPPER" -> f.failingWebhook().toUpperCase(Locale.ROOT);
            case "OK" -> f.okWebhook();
            case "DELETED" -> f.deletedWebhook();
            case "OTHER_ORG" -> f.otherOrgWebhook();
            default -> op.webhook();
        };
        boolean live = Set.of("FAILING", "FAILING_UPPER", "OK").contains(op.webhook());
        String deliveryId = switch (op.delivery()) {
            case "FAILED" -> f.failedDeliveries().get(0);
            case "FAILED_UPPER" -> f.failedDeliveries().get(0).toUpperCase(Locale.ROOT);
            case "OTHER_WEBHOOKS" -> f.okDeliveries().get(0);
            default -> op.delivery();
        };
        boolean deliveryOfThisWebhook = op.delivery().equals("FAILED") && !op.webhook().equals("OK")
                || op.delivery().equals("OTHER_WEBHOOKS") && op.webhook().equals("OK");
        String path = "/v1/webhooks/" + webhookId + switch (op.action()) {
            case "rotate-secret", "test", "recover", "stats", "deliveries" -> "/" + op.action();
            case "retry" -> "/deliveries/" + deliveryId + "/retry";
            default -> throw new IllegalStateException(op.action());
        };
        Counts before = counts(server, f.org().id());
        Answer a = call(server, op.method(), path + queryString(op.query()), op.body(), op.contentType(), f.org().key(), List.of());
        Counts after = counts(server, f.org().id());
        JsonNode json = assertEnvelope(a);
        Statistics.collect(op.action(), a.status());
        boolean rightMethod = op.method().equals(switch (op.action()) {
            case "stats", "deliveries" -> "GET";
            default -> "POST";
        });

        if (!rightMethod || !live) {
            assertThat(a.status()).as(a.body()).isIn(404, 414);
            if (rightMethod && isUuidShaped(webhookId) && a.status() == 404) {
                assertThat(json.get("error").asText()).isEqualTo("Webhook not found");
            }
        } else {
            switch (op.action()) {
                case "rotate-secret" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 414);
                    if (a.status() == 200) {
                        assertThat(json.get("data").get("hmac_key").asText()).hasSize(64);
                    }
                }
                case "test" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 414);
                    if (a.status() == 200) {
                        assertThat(json.get("data").get("success").asBoolean()).isEqualTo(op.webhook().equals("OK"));
                    }
                }
                case "stats" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 414);
                    if (a.status() == 200) {
                        assertThat(json.get("data").get("last_day").get("attempts").asLong()).isGreaterThanOrEqualTo(0);
                    }
                }
                case "deliveries" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 400, 414);
                    if (a.status() == 200) {
                        checkDeliveryPage(json.get("data"), op.query());
                    } else if (a.status() == 400) {
                        assertThat(json.get("error").asText()).isIn(
                                "status must be one of pending, delivered, failed, cancelled",
                                "limit must be an integer between 1 and 500", "Invalid cursor");
                    }
                }
                case "retry" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 404, 414);
                    if (deliveryOfThisWebhook) {
                        assertThat(a.status()).as(a.body()).isIn(200, 414);
                    }
                    if (a.status() == 200) {
                        assertThat(json.get("data").get("id").asText()).isEqualTo(deliveryId);
                    } else if (a.status() == 404) {
                        assertThat(json.get("error").asText()).isEqualTo("Delivery not found");
                    }
                }
                case "recover" -> {
                    assertThat(a.status()).as(a.body()).isIn(200, 400, 413, 414, 415);
                    if (a.status() == 200) {
                        assertThat(json.get("data").get("count").asInt()).isBetween(0, f.logs().size());
                    }
                }
                default -> throw new IllegalStateException(op.action());
            }
        }
        boolean rotated = op.action().equals("rotate-secret") && a.status() == 200;
        assertThat(after.withoutKeys()).as("nothing but the key of a rotated webhook changes").isEqualTo(before.withoutKeys());
        if (!rotated) {
            assertThat(after.keys()).isEqualTo(before.keys());
        }
    }

    /** {@code GET /bodies/{id}} with junk, damaged and real signed-link parameters. */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void bodyLinksOpenOnlyForTheirExactSignature(@ForAll("bodyLinkCalls") BodyLinkCall link, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Fixture f = servers.fixture(kind);
        Map<String, String> real = new LinkedHashMap<>();
        String realLink = f.bodyLink();
        for (String pair : realLink.substring(realLink.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            real.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        FixtureLog first = f.logs().get(0);
        String id = switch (link.id()) {
            case "REAL" -> first.id();
            case "REAL_UPPER" -> first.id().toUpperCase(Locale.ROOT);
            case "OTHER_LOG" -> f.logs().get(1).id();
            default -> link.id();
        };
        List<QueryParam> params = link.params().stream()
                .map(p -> p.value().startsWith("REAL")
                        ? new QueryParam(p.name(), realValue(real.getOrDefault(p.name(), "x"), p.value()), false) : p)
                .toList();
        Answer a = call(server, "GET", "/bodies/" + id + queryString(params), null, null, link.withKey() ? f.org().key() : null, List.of());
        Statistics.collect(a.status());

        Function<String, String> firstValue = name -> params.stream().filter(p -> p.name().equals(name) && !p.raw())
                .map(p -> sentForm(p.value())).findFirst().orElse(null);
        boolean exact = link.id().startsWith("REAL")
                && params.stream().filter(QueryParam::raw).findAny().isEmpty()
                && real.get("org").equals(firstValue.apply("org"))
                && real.get("signature").equals(firstValue.apply("signature"))
                && Optional.ofNullable(firstValue.apply("expires")).flatMap(RouteJunk::parseLong)
                        .equals(Optional.of(Long.parseLong(real.get("expires"))));
        if (exact) {
            // The link's answer is the bodies at the top level, as Helicone's receivers read them.
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode json = TestJson.parse(a.body());
            assertThat(json.get("request_id").asText()).isEqualTo(first.id());
            assertThat(json.get("request")).isEqualTo(TestJson.parse(first.request()));
            assertThat(json.has("data")).isFalse();
        } else if (!RouteJunk.isDashboardFile(a)) { // a path that normalises to "/" is the dashboard's page
            // Refusals stay in the envelope.
            assertEnvelope(a);
            assertThat(a.status()).as(a.body()).isIn(403, 404, 414);
        }
    }

    record SubRouteCall(String method, String webhook, String action, String delivery, List<QueryParam> query, byte[] body,
            String contentType) {
        @Override
        public String toString() {
            return method + " " + webhook + " " + action + " delivery=" + delivery + " query=" + query + " body="
                    + (body == null ? null : abbreviate(new String(body, StandardCharsets.UTF_8))) + " ct=" + contentType;
        }
    }

    @Provide
    Arbitrary<SubRouteCall> subRouteCalls() {
        Arbitrary<String> webhook = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of("FAILING", "OK", "FAILING_UPPER")),
                Tuple.of(3, Arbitraries.of("DELETED", "OTHER_ORG")),
                Tuple.of(1, Arbitraries.create(() -> UUID.randomUUID().toString())),
                Tuple.of(2, Arbitraries.of("not-a-uuid", "%00", "..", "%2F", "a".repeat(3000), "%C3%A9")));
        Arbitrary<String> delivery = Arbitraries.oneOf(
                Arbitraries.of("FAILED", "FAILED_UPPER", "OTHER_WEBHOOKS"),
                Arbitraries.create(() -> "msg_" + UUID.randomUUID().toString().replace("-", "")),
                Arbitraries.of("msg_", "msg_test", "%00", "msg.1", "x".repeat(200), "msg_%2e%2e"));
        Arbitrary<QueryParam> status = Arbitraries.of("pending", "delivered", "failed", "cancelled", "", "PENDING", "x", "\u0000",
                "failed,pending").map(v -> new QueryParam("status", v, false));
        Arbitrary<QueryParam> limit = Arbitraries.of("1", "2", "500", "501", "0", "x", "").map(v -> new QueryParam("limit", v, false));
        Arbitrary<QueryParam> cursor = Arbitraries.of("", "abc", "MTc2ODQ3MzAwMDAwMDp6",
                        Base64.getUrlEncoder().encodeToString("1:a\u0000".getBytes(StandardCharsets.UTF_8)),
                        Base64.getUrlEncoder().encodeToString("9999999999999:msg_zzz".getBytes(StandardCharsets.UTF_8)))
                .map(v -> new QueryParam("cursor", v, false));
        Arbitrary<List<QueryParam>> query = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<QueryParam>of())),
                Tuple.of(4, Arbitraries.oneOf(status, limit, cursor, junkText().map(v -> new QueryParam("since", v, false)))
                        .list().ofMinSize(1).ofMaxSize(3)));
        Arbitrary<byte[]> body = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(4, Arbitraries.oneOf(junkJson(), Arbitraries.of("\"2000-01-01T00:00:00Z\"", "\"2026-01-15T10:30:00.000Z\"",
                                "\"2026-01-15T10:30:00\"", "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"",
                                "\"1970-01-01T00:00:00+25:00\"", "0", "\"\""))
                        .map(since -> ("{\"since\":" + since + "}").getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, junkJson().map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of("{\"since\":\"2000-01-01T00:00:00Z\"} x", "{", "{\"since\":\"2000-01-01T00:00:00Z\",\"since\":5}")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))));
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("RIGHT")),
                Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")));
        return Combinators.combine(method, webhook, Arbitraries.of("rotate-secret", "test", "deliveries", "retry", "recover", "stats"),
                delivery, query, body, contentTypes()).as((m, w, action, d, q, b, ct) -> new SubRouteCall(
                m.equals("RIGHT") ? (action.equals("deliveries") || action.equals("stats") ? "GET" : "POST") : m, w, action, d, q, b, ct));
    }

    private static void checkDeliveryPage(JsonNode data, List<QueryParam> query) {
        String status = query.stream().filter(p -> p.name().equals("status")).map(QueryParam::value).findFirst().orElse("");
        int limit = query.stream().filter(p -> p.name().equals("limit")).map(QueryParam::value).findFirst()
                .flatMap(RouteJunk::parseLong).map(Long::intValue).orElse(50);
        JsonNode items = data.get("items");
        assertThat(items.size()).isLessThanOrEqualTo(limit);
        String previous = null;
        for (JsonNode item : items) {
            assertThat(item.get("id").asText()).startsWith("msg_").doesNotContain(".");
            if (!status.isEmpty()) {
                assertThat(item.get("status").asText()).isEqualTo(status);
            }
            String key = item.get("created_at").asText() + item.get("id").asText();
            if (previous != null) {
                assertThat(key.compareTo(previous)).as("newest first").isLessThanOrEqualTo(0);
            }
            previous = key;
        }
    }

    record BodyLinkCall(String id, List<QueryParam> params, boolean withKey) {
    }

    @Provide
    Arbitrary<BodyLinkCall> bodyLinkCalls() {
        Arbitrary<String> id = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("REAL", "REAL_UPPER")),
                Tuple.of(1, Arbitraries.just("OTHER_LOG")),
                Tuple.of(1, Arbitraries.create(() -> UUID.randomUUID().toString())),
                Tuple.of(1, Arbitraries.of("x", "%00", "..", "a".repeat(100))));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("REAL")),
                Tuple.of(2, Arbitraries.of("REAL_FLIPPED", "REAL_PLUS", "REAL_MINUS_ONE", "REAL_UPPER", "REAL_SPACED")),
                Tuple.of(2, Arbitraries.oneOf(junkText(), Arbitraries.of("", "-1", "99999999999999999999", "1e10", "0",
                        "9223372036854775807"))));
        Arbitrary<QueryParam> param = Combinators.combine(Arbitraries.frequencyOf(
                        Tuple.of(6, Arbitraries.of("org", "expires", "signature")),
                        Tuple.of(1, Arbitraries.of("ORG", "x", "signature[]"))), value)
                .as((n, v) -> new QueryParam(n, v, false));
        Arbitrary<List<QueryParam>> params = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.of(new QueryParam("org", "REAL", false), new QueryParam("expires", "REAL", false),
                        new QueryParam("signature", "REAL", false)))),
                Tuple.of(4, param.list().ofMaxSize(5)),
                Tuple.of(1, Arbitraries.just(List.of(new QueryParam("org=%ff&expires=%00&signature=%C0%80", "", true)))));
        return Combinators.combine(id, params, Arbitraries.of(true, false)).as(BodyLinkCall::new);
    }

    private static String realValue(String real, String how) {
        return switch (how) {
            case "REAL" -> real;
            case "REAL_FLIPPED" -> real.substring(0, real.length() - 1) + (real.endsWith("0") ? "1" : "0");
            case "REAL_PLUS" -> "+" + real;
            case "REAL_MINUS_ONE" -> parseLong(real).map(v -> String.valueOf(v - 1)).orElse(real + "x");
            case "REAL_UPPER" -> real.toUpperCase(Locale.ROOT);
            case "REAL_SPACED" -> " " + real;
            default -> throw new IllegalStateException(how);
        };
    }
}
