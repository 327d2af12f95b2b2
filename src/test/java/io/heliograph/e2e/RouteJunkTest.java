package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.heliograph.auth.CreatedKey;
import io.heliograph.support.RawHttp;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
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
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated junk thrown at every route that {@link JunkInputTest} (webhook create/patch) and
 * {@link GatewayJunkTest} (the gateway) leave out, on both stores: the four Helicone log routes and
 * the plain log route (valid bodies, mutated), reading logs back, the webhook sub-routes, signed body
 * links, random methods and paths, and framing the JDK client will not send (written on a socket).
 *
 * <p>Every answer must be a 2xx, or a 4xx in the envelope with a message free of exception names and
 * stack frames — never a 5xx, never a hang. And never a half-stored record: after a refused write the
 * organization's logs, properties, webhooks and deliveries are exactly as before (counted in the store
 * and through the API); after an accepted log, it reads back whole — the bodies as sent, the status,
 * the user, the properties — with its one delivery.
 */
class RouteJunkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final int MIB = 1024 * 1024;
    private static final List<String> LOG_ROUTES = List.of("/custom/v1/log", "/oai/v1/log", "/anthropic/v1/log", "/googleapis/v1/log");
    private static final Map<StoreKind, TestServer> SERVERS = new EnumMap<>(StoreKind.class);
    private static final Map<StoreKind, Fixture> FIXTURES = new EnumMap<>(StoreKind.class);
    private static Receiver okReceiver;
    private static Receiver failingReceiver;

    // ---------------------------------------------------------------------------------------------
    // The servers, and one organization per store with logs, webhooks and failed deliveries to read.
    // ---------------------------------------------------------------------------------------------

    /** A log of the fixture organization, as logged. */
    record FixtureLog(String id, String model, String userId, Map<String, String> properties, long startedAt, String request) {
    }

    record Fixture(Org org, List<FixtureLog> logs, String failingWebhook, String okWebhook, String deletedWebhook,
            String otherOrgWebhook, String otherOrgLog, List<String> failedDeliveries, List<String> okDeliveries,
            String bodyLink) {
    }

    record Org(String id, String key) {
    }

    @BeforeContainer
    static void start() {
        okReceiver = new Receiver();
        failingReceiver = new Receiver().answering(r -> Receiver.status(500));
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = TestServer.builder(kind).loopbackReceivers().retrySchedule("100ms").start();
            SERVERS.put(kind, server);
            FIXTURES.put(kind, fixture(server));
        }
    }

    @AfterContainer
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
        SERVERS.clear();
        FIXTURES.clear();
        okReceiver.close();
        failingReceiver.close();
    }

    private static Fixture fixture(TestServer server) {
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
            ObjectNode body = JSON.createObjectNode();
            body.put("request_id", id);
            body.put("model", models.get(i % 3));
            body.put("user_id", users.get(i % 4));
            body.set("properties", JSON.valueToTree(properties));
            body.putRawValue("request", new RawValue(request));
            body.put("status", 200);
            body.put("started_at", Instant.ofEpochMilli(startedAt).toString());
            body.put("ended_at", Instant.ofEpochMilli(startedAt + 500).toString());
            Answer a = call(server, "POST", "/v1/request/log", write(body), "application/json", org.key(), List.of());
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
                .map(r -> parse(r.text()).path("request_response_url").asText(""))
                .filter(url -> url.contains("/bodies/" + logs.get(0).id()) && url.contains(orgParam))
                .findFirst().orElseThrow();
        return new Fixture(org, logs, failing, ok, deleted, otherWebhook, otherLog, failed, delivered,
                link.substring(link.indexOf("/bodies/")));
    }

    // ---------------------------------------------------------------------------------------------
    // Properties
    // ---------------------------------------------------------------------------------------------

    /** The four Helicone routes: a refused log leaves nothing behind; an accepted one reads back whole. */
    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void heliconeLogsAreStoredWholeOrNotAtAll(@ForAll("heliconeCalls") LogCall call, @ForAll StoreKind kind) {
        checkLogCall(SERVERS.get(kind), call, true);
    }

    /** {@code POST /v1/request/log}, the same promise. */
    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void plainLogsAreStoredWholeOrNotAtAll(@ForAll("plainCalls") LogCall call, @ForAll StoreKind kind) {
        checkLogCall(SERVERS.get(kind), call, false);
    }

    /** {@code GET /v1/request/{id}} with ids of every shape. */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void readingOneLogNeverFails(@ForAll("logIds") String idRef, @ForAll StoreKind kind) {
        TestServer server = SERVERS.get(kind);
        Fixture f = FIXTURES.get(kind);
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
            assertThat(json.get("data").get("request")).isEqualTo(parse(first.request()));
            assertThat(json.get("data").get("properties")).isEqualTo(JSON.valueToTree(first.properties()));
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
        TestServer server = SERVERS.get(kind);
        Fixture f = FIXTURES.get(kind);
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

    /** rotate-secret, test, deliveries, retry, recover and stats of a webhook, with junk ids, queries and bodies. */
    @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
    void webhookSubRoutesChangeOnlyWhatTheySay(@ForAll("subRouteCalls") SubRouteCall op, @ForAll StoreKind kind) {
        TestServer server = SERVERS.get(kind);
        Fixture f = FIXTURES.get(kind);
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
        TestServer server = SERVERS.get(kind);
        Fixture f = FIXTURES.get(kind);
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
        JsonNode json = assertEnvelope(a);
        Statistics.collect(a.status());

        Function<String, String> firstValue = name -> params.stream().filter(p -> p.name().equals(name) && !p.raw())
                .map(p -> sentForm(p.value())).findFirst().orElse(null);
        boolean exact = link.id().startsWith("REAL")
                && params.stream().filter(QueryParam::raw).findAny().isEmpty()
                && real.get("org").equals(firstValue.apply("org"))
                && real.get("signature").equals(firstValue.apply("signature"))
                && Optional.ofNullable(firstValue.apply("expires")).flatMap(RouteJunkTest::parseLong)
                        .equals(Optional.of(Long.parseLong(real.get("expires"))));
        if (exact) {
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(json.get("data").get("request")).isEqualTo(parse(first.request()));
        } else {
            assertThat(a.status()).as(a.body()).isIn(403, 404, 414);
        }
    }

    /** Any method on any path, known or not, with or without a key: never a 5xx, and nothing stored by a refusal. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void randomMethodsAndPathsNeverFail(@ForAll("randomRequests") RandomRequest r, @ForAll StoreKind kind) {
        TestServer server = SERVERS.get(kind);
        Org org = freshOrg(server);
        String key = switch (r.auth()) {
            case "KEY" -> org.key();
            case "NONE" -> null;
            default -> r.auth();
        };
        Answer a = call(server, r.method(), r.path(), r.body(), r.contentType(), key, List.of());
        Statistics.collect(a.status());
        assertThat(a.status()).as(a.body()).isLessThan(500);
        if (!r.method().equals("HEAD") && !isHealthOrMetrics(a)) {
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

    /**
     * What the JDK client refuses to send — a Content-Length that disagrees with the body, two of them,
     * one beside chunked framing, broken chunks, odd Content-Types — written on a socket to the routes
     * that read a body. The server answers every one, within the timeout, and stores nothing it refuses.
     */
    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void framingJunkIsAnsweredAndStoresNothing(@ForAll("framedRequests") FramedRequest r, @ForAll StoreKind kind) {
        TestServer server = SERVERS.get(kind);
        Org org = freshOrg(server);
        StringBuilder head = new StringBuilder(r.route().equals("RECOVER") ? "POST /v1/webhooks/" + UUID.randomUUID() + "/recover"
                : "POST " + r.route()).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ").append(org.key()).append("\r\n");
        r.contentTypes().forEach(ct -> head.append("Content-Type: ").append(ct).append("\r\n"));
        if (!r.extra().isEmpty()) {
            head.append(r.extra()).append("\r\n");
        }
        if (r.userId() != null) {
            head.append("Helicone-User-Id: ").append(new String(r.userId(), StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        byte[] body = r.body();
        byte[] payload;
        switch (r.framing()) {
            case "EXACT" -> payload = framed(head, "Content-Length: " + body.length, body);
            case "SHORTER" -> payload = framed(head, "Content-Length: " + Math.max(0, body.length - 1 - body.length / 3), body);
            case "LONGER" -> payload = framed(head, "Content-Length: " + (body.length + 1 + body.length / 2), body);
            case "DECLARED_HUGE" -> payload = framed(head, "Content-Length: " + (11L * MIB), body);
            case "DECLARED_ABOVE_SERVER_CAP" -> payload = framed(head, "Content-Length: " + (41L * MIB), body);
            case "NEGATIVE" -> payload = framed(head, "Content-Length: -" + body.length, body);
            case "NOT_A_NUMBER" -> payload = framed(head, "Content-Length: 1e2", body);
            case "PLUS_SIGN" -> payload = framed(head, "Content-Length: +" + body.length, body);
            case "TWO_DIFFERENT" -> payload = framed(head, "Content-Length: " + body.length + "\r\nContent-Length: " + (body.length + 1), body);
            case "TWO_SAME" -> payload = framed(head, "Content-Length: " + body.length + "\r\nContent-Length: " + body.length, body);
            case "LIST" -> payload = framed(head, "Content-Length: " + body.length + ", " + body.length, body);
            case "NONE" -> payload = framed(head, null, body);
            case "CHUNKED" -> payload = framed(head, "Transfer-Encoding: chunked", chunk(body, false));
            case "CHUNKED_AND_LENGTH" -> payload = framed(head, "Transfer-Encoding: chunked\r\nContent-Length: " + body.length,
                    chunk(body, false));
            case "CHUNKED_BROKEN" -> payload = framed(head, "Transfer-Encoding: chunked", chunk(body, true));
            case "CHUNKED_UNFINISHED" -> payload = framed(head, "Transfer-Encoding: chunked",
                    Arrays.copyOf(chunk(body, false), Math.max(0, chunk(body, false).length - 5)));
            default -> throw new IllegalStateException(r.framing());
        }
        RawHttp.Answer a = RawHttp.send(server.heliograph().port(), payload, true, TIMEOUT);
        Statistics.collect(r.framing(), a.status());
        assertThat(a.status()).as("an answer, not a closed connection, for " + r).isPositive();
        assertThat(a.status()).as(a.body()).isLessThan(500);
        assertEnvelope(new Answer(a.status(), a.body(), Map.of()));
        Counts after = counts(server, org.id());
        if (a.status() != 200) {
            assertThat(after).as("a refused request stores nothing").isEqualTo(Counts.EMPTY);
        } else if (!r.route().equals("/v1/webhooks")) {
            assertThat(after.logs()).isEqualTo(1);
            if (r.userId() != null && LOG_ROUTES.contains(r.route()) && r.body().length > 0) {
                // Header values are read as US-ASCII: each byte beyond it becomes U+FFFD (docs/limits.md).
                String expected = new String(r.userId(), StandardCharsets.US_ASCII);
                String id = parse(a.body()).get("data").get("request_id").asText();
                JsonNode stored = assertEnvelope(call(server, "GET", "/v1/request/" + id, null, null, org.key(), List.of())).get("data");
                JsonNode meta = parseBytes(r.body()).path("providerRequest").path("meta");
                if (!meta.has("Helicone-User-Id")) {
                    assertThat(stored.get("user_id")).isEqualTo(expected.isEmpty() ? NullNode.instance : TextNode.valueOf(expected));
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Regressions: inputs the properties found, shrunk, kept as plain cases
    // ---------------------------------------------------------------------------------------------

    /** Was a 500: Jackson reads UTF-16 and UTF-32 too, but the raw bodies were cut out of the bytes by character offset. */
    @Example
    void jsonInUtf16OrUtf32IsInvalidJson() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = SERVERS.get(kind);
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
     * Was a 500: a body whose framing the client broke — it stops before its Content-Length or its last
     * chunk, or a chunk size is not hex — on every route that reads a body, the gateway's included.
     */
    @Example
    void aBodyWithBrokenFramingIsABadRequest() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = SERVERS.get(kind);
            Org org = freshOrg(server);
            byte[] body = HELICONE_OPENAI.getBytes(StandardCharsets.UTF_8);
            byte[] chunked = chunk(body, false);
            for (String target : List.of("/custom/v1/log", "/v1/request/log", "/v1/webhooks", "/oai/v1/chat/completions")) {
                StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                        .append(org.key()).append("\r\nHelicone-Auth: Bearer ").append(org.key())
                        .append("\r\nContent-Type: application/json\r\n");
                for (byte[] request : List.of(framed(head, "Content-Length: " + (body.length + 1), body),
                        framed(head, "Transfer-Encoding: chunked", Arrays.copyOf(chunked, chunked.length - 5)),
                        framed(head, "Transfer-Encoding: chunked", chunk(body, true)))) {
                    RawHttp.Answer a = RawHttp.send(server.heliograph().port(), request, true, TIMEOUT);
                    assertThat(a.status()).as(kind + " " + target + " " + a.body()).isEqualTo(400);
                    assertThat(assertEnvelope(new Answer(a.status(), a.body(), Map.of())).get("error").asText())
                            .isEqualTo("Could not read the request body");
                }
            }
            assertThat(counts(server, org.id())).isEqualTo(Counts.EMPTY);
        }
    }

    /**
     * Was a 501 "Internal server error": a Transfer-Encoding other than chunked (or chunked not last), which
     * Helidon refuses as a bad request but with a 5xx status.
     */
    @Example
    void aTransferEncodingOtherThanChunkedIsABadRequest() {
        TestServer server = SERVERS.get(StoreKind.SQLITE);
        Org org = freshOrg(server);
        byte[] body = HELICONE_OPENAI.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST /custom/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                .append(org.key()).append("\r\nContent-Type: application/json\r\n");
        for (String framing : List.of("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity", "Transfer-Encoding: gzip, chunked",
                "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: x-unknown")) {
            RawHttp.Answer a = RawHttp.send(server.heliograph().port(), framed(head, framing, chunk(body, false)), true, TIMEOUT);
            assertThat(a.status()).as(framing + " " + a.body()).isEqualTo(400);
            assertEnvelope(new Answer(a.status(), a.body(), Map.of()));
        }
        assertThat(counts(server, org.id())).isEqualTo(Counts.EMPTY);
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
            TestServer server = SERVERS.get(kind);
            Fixture f = FIXTURES.get(kind);
            cases.forEach((path, error) -> {
                Answer a = call(server, "GET", path.replace("WEBHOOK", f.okWebhook()), null, null, f.org().key(), List.of());
                assertThat(a.status()).as(kind + " " + path + " " + a.body()).isEqualTo(400);
                assertThat(assertEnvelope(a).get("error").asText()).isEqualTo(error);
            });
        }
    }

    /**
     * Was a wrong record: the raw request body was found by JSON-pointer path without escaping '/', so a
     * top-level key named {@code providerRequest/json} replaced the stored body with its own value.
     */
    @Example
    void aKeyThatLooksLikeAPathDoesNotReplaceTheStoredBody() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = SERVERS.get(kind);
            Org org = freshOrg(server);
            String body = HELICONE_STREAM.substring(0, HELICONE_STREAM.lastIndexOf('}'))
                    + ",\"providerRequest/json\":{\"evil\":1},\"providerResponse/textBody\":\"evil\"}";
            Answer a = call(server, "POST", "/custom/v1/log", body.getBytes(StandardCharsets.UTF_8), "application/json", org.key(),
                    List.of());
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode stored = assertEnvelope(call(server, "GET", "/v1/request/" + parse(a.body()).get("data").get("request_id").asText(),
                    null, null, org.key(), List.of())).get("data");
            JsonNode sent = parse(body);
            assertThat(stored.get("request")).isEqualTo(sent.get("providerRequest").get("json"));
            assertThat(stored.get("response_text")).isEqualTo(sent.get("providerResponse").get("textBody"));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The log routes: one call, then what the store holds
    // ---------------------------------------------------------------------------------------------

    private static void checkLogCall(TestServer server, LogCall call, boolean helicone) {
        Org org = freshOrg(server);
        createWebhook(server, org, okReceiver.url());
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
        JsonNode root = parseBytes(body);
        Expected expected = helicone ? expectHelicone(root, call) : expectPlain(root);
        expected.requestId().ifPresent(given -> assertThat(id).isEqualTo(given));
        assertThat(stored.get("request")).as("the request body reads back as sent").isEqualTo(expected.request());
        if (expected.responseText() != null) {
            assertThat(stored.get("response_text")).as("the response text reads back as sent").isEqualTo(expected.responseText());
        } else {
            assertThat(stored.get("response")).as("the response body reads back as sent").isEqualTo(expected.response());
        }
        assertThat(stored.get("status").asInt()).isEqualTo(expected.status());
        assertThat(stored.get("user_id")).isEqualTo(expected.userId() == null ? NullNode.instance : TextNode.valueOf(expected.userId()));
        assertThat(stored.get("properties")).isEqualTo(JSON.valueToTree(expected.properties()));
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
        assertThat(okReceiver.received().stream().filter(r -> r.text().contains(id))
                .map(r -> parse(r.text()).path("request_id").asText())).contains(id);

        if (expected.requestId().isPresent()) {
            // The same log again: the same answer, and nothing new.
            Answer again = call(server, "POST", call.route(), body, call.contentType(), org.key(), call.headerList());
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(parse(again.body()).get("data").get("request_id").asText()).isEqualTo(id);
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
        return new Expected(
                Optional.ofNullable(helicone.get("helicone-request-id")).map(s -> s.trim().toLowerCase(Locale.ROOT)),
                providerRequest.get("json"),
                responseJson == null ? NullNode.instance : responseJson,
                textBody != null && textBody.isTextual() ? textBody : null,
                providerResponse.get("status").intValue(),
                userId == null || userId.isEmpty() ? null : userId,
                properties, provider, null);
    }

    private static Expected expectPlain(JsonNode root) {
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
                root.get("request"),
                response == null ? NullNode.instance : response,
                null,
                root.get("status").intValue(),
                userId != null && userId.isTextual() && !userId.textValue().isEmpty() ? userId.textValue() : null,
                properties,
                provider != null && provider.isTextual() && !provider.textValue().isBlank()
                        ? provider.textValue().trim().toUpperCase(Locale.ROOT) : null,
                model != null && model.isTextual() && !model.textValue().isBlank() ? model.textValue() : null);
    }

    // ---------------------------------------------------------------------------------------------
    // Generators: log bodies
    // ---------------------------------------------------------------------------------------------

    /** One change to a valid body: set {@code path} to the JSON text {@code json}, or remove it when null. */
    record Mutation(List<String> path, String json) {
        @Override
        public String toString() {
            return (json == null ? "remove " : "") + "/" + String.join("/", path) + (json == null ? "" : " = " + abbreviate(json));
        }
    }

    record Header(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + abbreviate(value);
        }
    }

    /** How the body's bytes are framed or encoded, beyond the JSON itself. */
    enum Encoding { AS_IS, TRUNCATED, TRAILING_JUNK, UTF16LE, UTF16BE, UTF32, UTF8_BOM, OVER_10_MIB, EMPTY, NOT_UTF8 }

    record LogCall(String route, String base, List<Mutation> mutations, List<Header> headerList, String contentType,
            Encoding encoding) {
        byte[] body() {
            ObjectNode root = (ObjectNode) parse(base);
            mutations.forEach(m -> apply(root, m));
            byte[] json = write(root);
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
        return Combinators.combine(base, mutation.list().ofMaxSize(3), Arbitraries.of(List.<Header>of(), List.of(new Header("Helicone-User-Id", "ignored"))),
                contentTypes(), encodings()).as((b, m, h, ct, e) -> new LogCall("/v1/request/log", b, m, h, ct, e));
    }

    private static final String HELICONE_OPENAI = """
            {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions",
              "json":{"model":"gpt-4o","messages":[{"role":"user","content":"Say hi"}],"temperature":0.7},
              "meta":{"Helicone-Property-Environment":"prod","Helicone-User-Id":"user_123"}},
             "providerResponse":{"status":200,"headers":{"content-type":"application/json"},
              "json":{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
                "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":13,"completion_tokens":17,"total_tokens":30}}},
             "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":930},
              "timeToFirstToken":120}}""";
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
    private static final String PLAIN_BASE = """
            {"request_id":"REQUEST_ID","model":"gpt-4o-mini","provider":"openai","user_id":"user_123",
             "properties":{"Environment":"prod","team":"a"},
             "request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]},
             "response":{"choices":[{"message":{"role":"assistant","content":"hey"}}],
               "usage":{"prompt_tokens":1000,"completion_tokens":2000,"total_tokens":3000}},
             "status":200,"started_at":"2026-01-15T10:30:00.000Z","ended_at":"2026-01-15T10:30:01.250Z",
             "time_to_first_token_ms":120,"request_url":"https://api.openai.com/v1/chat/completions"}""";

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
                "\"Helicone-Cache-Enabled\":\"true\"").list().ofMaxSize(3);
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
                Tuple.of(2, requestIds().filter(RouteJunkTest::isHeaderSafe).map(v -> new Header("Helicone-Request-Id", v))),
                Tuple.of(1, value.map(v -> new Header("Helicone-Auth", v))),
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
     * raw bytes are sent on a socket by {@link #framingJunkIsAnsweredAndStoresNothing}), no blanks at the ends.
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

    private Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just("application/json")),
                Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(3, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.helicone+json",
                        "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
                        "json", "application/json;", "*/*", "application/json; charset=latin1")));
    }

    private Arbitrary<Encoding> encodings() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(Encoding.AS_IS)),
                Tuple.of(8, Arbitraries.of(Encoding.values())));
    }

    // ---------------------------------------------------------------------------------------------
    // Generators: junk values
    // ---------------------------------------------------------------------------------------------

    /** Any JSON text: numbers at and past every limit, odd strings, deep and long values. */
    private Arbitrary<String> junkJson() {
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

    private Arbitrary<String> deepJson() {
        return Combinators.combine(Arbitraries.of(50, 190, 196, 197, 198, 199, 250, 5000), Arbitraries.of(true, false))
                .as((depth, arrays) -> arrays ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    }

    private Arbitrary<String> jsonValue(int depth) {
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
    private Arbitrary<String> junkText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(10),
                Arbitraries.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udc00x", "x\ud83d", "\ud83d\ude00", "\u2028\u2029", "\ufeff",
                        "\uffff", "\u0130", "\u00df", "\ufb00", "\u03a3", "e\u0301", "\u202e", "\u0085", "\t\r\n", "null", "NaN",
                        "<script>", "'; DROP TABLE request_logs; --", "%00", "../../etc/passwd", "\\", "\""));
    }

    /** Strings of exactly the given lengths (in UTF-16 units, as the service counts), in ASCII, Latin-1 and emoji. */
    private Arbitrary<String> lengthProbe(List<Integer> lengths) {
        return Combinators.combine(Arbitraries.of(lengths), Arbitraries.of("x", "\u00e9", "\ud83d\ude00"))
                .as((n, unit) -> unit.length() == 1 ? unit.repeat(n) : unit.repeat(n / 2) + "x".repeat(n % 2));
    }

    // ---------------------------------------------------------------------------------------------
    // Generators: reads, sub-routes, links, random requests, framing
    // ---------------------------------------------------------------------------------------------

    /** A query parameter; {@code raw} values are sent as written (already percent-encoded, perhaps badly). */
    record QueryParam(String name, String value, boolean raw) {
        @Override
        public String toString() {
            return name + "=" + abbreviate(value) + (raw ? " (raw)" : "");
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
                .flatMap(RouteJunkTest::parseLong).map(Long::intValue).orElse(50);
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

    /** {@code userId}: the raw bytes of a Helicone-User-Id header, or null for none; {@code extra}: one more header line, or "". */
    record FramedRequest(String route, List<String> contentTypes, String framing, byte[] body, byte[] userId, String extra) {
        @Override
        public String toString() {
            return route + " " + contentTypes + " " + framing + " " + extra + " user=" + (userId == null ? null : Arrays.toString(userId))
                    + " body=" + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
    }

    @Provide
    Arbitrary<FramedRequest> framedRequests() {
        Arbitrary<String> route = Arbitraries.of("/custom/v1/log", "/oai/v1/log", "/anthropic/v1/log", "/googleapis/v1/log",
                "/v1/request/log", "/v1/webhooks", "RECOVER");
        Arbitrary<List<String>> contentTypes = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(List.of("application/json"))),
                Tuple.of(1, Arbitraries.just(List.<String>of())),
                Tuple.of(2, Arbitraries.of("text/plain", "", "application/json; charset=utf-8", "application/json, text/plain",
                        "app\u00e9/json", ";;;", "application/problem+json").map(List::of)),
                Tuple.of(1, Arbitraries.just(List.of("application/json", "text/plain"))));
        Arbitrary<String> framing = Arbitraries.of("EXACT", "SHORTER", "LONGER", "DECLARED_HUGE", "DECLARED_ABOVE_SERVER_CAP",
                "NEGATIVE", "NOT_A_NUMBER", "PLUS_SIGN", "TWO_DIFFERENT", "TWO_SAME", "LIST", "NONE", "CHUNKED",
                "CHUNKED_AND_LENGTH", "CHUNKED_BROKEN", "CHUNKED_UNFINISHED");
        return Combinators.combine(route, contentTypes, framing).flatAs((r, ct, f) -> {
            String valid = switch (r) {
                case "/v1/request/log" -> PLAIN_BASE.replace("REQUEST_ID", UUID.randomUUID().toString());
                case "/v1/webhooks" -> "{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}";
                case "RECOVER" -> "{\"since\":\"2000-01-01T00:00:00Z\"}";
                default -> HELICONE_OPENAI;
            };
            Arbitrary<byte[]> userId = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(null)),
                    Tuple.of(1, Arbitraries.of("user_1", "Jos\u00e9", "\u00e9\ud83d\ude00", "").map(u -> u.getBytes(StandardCharsets.UTF_8))),
                    Tuple.of(1, Arbitraries.of("Jos\u00e9").map(u -> u.getBytes(StandardCharsets.ISO_8859_1))),
                    Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8)
                            .map(b -> new String(b, StandardCharsets.ISO_8859_1).replaceAll("[\r\n]", "x").strip()
                                    .getBytes(StandardCharsets.ISO_8859_1))
                            .filter(b -> b.length > 0 && b[0] != '\t' && b[b.length - 1] != '\t')));
            Arbitrary<String> junk = junkJson().filter(j -> j.length() < 64 * 1024); // framing, not size, is the point here
            Arbitrary<String> extra = Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.just("")),
                    Tuple.of(1, Arbitraries.of("Content-Encoding: gzip", "Content-Encoding: identity", "Expect: 100-continue",
                            "Expect: nonsense", "Transfer-Encoding: identity", "Transfer-Encoding: gzip")));
            return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(valid)), Tuple.of(1, junk)), userId, extra)
                    .as((b, u, x) -> new FramedRequest(r, ct, f, b.getBytes(StandardCharsets.UTF_8), u, x));
        });
    }

    private static byte[] framed(StringBuilder head, String framingHeader, byte[] body) {
        String h = head + (framingHeader == null ? "" : framingHeader + "\r\n") + "Connection: close\r\n\r\n";
        return concat(h.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] chunk(byte[] body, boolean broken) {
        StringBuilder s = new StringBuilder();
        int half = body.length / 2;
        byte[] first = Arrays.copyOf(body, half);
        byte[] second = Arrays.copyOfRange(body, half, body.length);
        byte[] out = new byte[0];
        for (byte[] part : List.of(first, second)) {
            if (part.length == 0) {
                continue;
            }
            String size = broken ? "zz" + Integer.toHexString(part.length) : Integer.toHexString(part.length);
            out = concat(out, (size + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out = concat(out, part);
            out = concat(out, "\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return concat(out, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    record Answer(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + abbreviate(body);
        }
    }

    private static Answer call(TestServer server, String method, String pathAndQuery, byte[] body, String contentType, String key,
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

    /** The envelope of a 2xx or a 4xx; a 5xx, a non-JSON body or an error that leaks internals fails. */
    private static JsonNode assertEnvelope(Answer a) {
        assertThat(a.status()).as("never a 5xx: " + a.body()).isBetween(200, 499);
        JsonNode json;
        try {
            json = JSON.readTree(a.body());
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

    private static boolean isHealthOrMetrics(Answer a) {
        String type = Optional.ofNullable(a.header("Content-Type")).orElse("");
        return a.status() == 200 && (type.startsWith("text/plain") || a.body().startsWith("{\"status\""))
                || a.status() == 503 && a.body().startsWith("{\"status\"");
    }

    /** What the store holds for an organization. */
    record Counts(long logs, long properties, long webhooks, long deliveries, String webhookState, String keys) {
        static final Counts EMPTY = new Counts(0, 0, 0, 0, "", "");

        Counts withoutKeys() {
            return new Counts(logs, properties, webhooks, deliveries, webhookState, null);
        }
    }

    private static Counts counts(TestServer server, String orgId) {
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

    private static long count(TestServer server, String sql, Object... args) {
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

    private static List<String> listedIds(TestServer server, Org org) {
        JsonNode data = assertEnvelope(call(server, "GET", "/v1/requests?limit=500", null, null, org.key(), List.of())).get("data");
        List<String> ids = new ArrayList<>();
        data.get("items").forEach(item -> ids.add(item.get("request_id").asText()));
        return ids;
    }

    private static Org freshOrg(TestServer server) {
        CreatedKey key = server.keys().createKey("junk-" + UUID.randomUUID());
        return new Org(server.keys().authenticate(key.key()).orElseThrow().orgId(), key.key());
    }

    private static String createWebhook(TestServer server, Org org, String destination) {
        Answer a = call(server, "POST", "/v1/webhooks", ("{\"destination\":\"" + destination + "\",\"config\":{}}")
                .getBytes(StandardCharsets.UTF_8), "application/json", org.key(), List.of());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return parse(a.body()).get("data").get("id").asText();
    }

    private static boolean isJsonContentType(String contentType) {
        if (contentType == null) {
            return true;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    private static boolean isUuidShaped(String s) {
        return s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    private static boolean isHeaderSafe(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && s.strip().equals(s);
    }

    /** The query string, each name and value percent-encoded as UTF-8 (raw parameters as written). */
    private static String queryString(List<QueryParam> params) {
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
    private static String sentForm(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** A JSON string literal; {@code ascii} escapes everything beyond ASCII, else only what JSON requires (and lone surrogates). */
    static String quote(String s, boolean ascii) {
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

    private static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parseBytes(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
