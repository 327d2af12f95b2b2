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
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tenancy, route by route. Organization A owns real webhooks (one delivering, one failing, one with
 * pending deliveries, one disabled), their deliveries and attempts, logs from every log route and
 * the gateway, and signed body links. With its own key, organization B then calls every route the
 * API has, naming A's objects. For each call:
 * <ul>
 *   <li>B's answer (status, headers but Date, body) is byte-identical to its answer for a nonexistent
 *       id of the same shape — B cannot tell that A's object exists;</li>
 *   <li>no answer B gets mentions anything of A's (ids, keys, destinations, users, bodies);</li>
 *   <li>everything A reads back with its own key afterwards is exactly as before — B changed nothing.</li>
 * </ul>
 * A request id A already used is B's to use too: it makes B's own log, and touches nothing of A's.
 * On each store.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class TenancyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CHAT_RESPONSE = "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";
    private static final String SINCE_2000 = "{\"since\":\"2000-01-01T00:00:00.000Z\"}";

    @Parameter
    StoreKind store;

    static FakeUpstream upstream;
    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        upstream = new FakeUpstream().on("/v1/chat/completions", FakeUpstream.json(200, CHAT_RESPONSE));
        // Short retries: A's failing webhook exhausts its schedule (3 attempts) within a second.
        server = TestServer.builder(store).loopbackReceivers().retrySchedule("200ms,200ms")
                .openAiBaseUrl(upstream.baseUrl()).start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        upstream.close();
    }

    /** What kind of A's object a route names. */
    private enum Kind { WEBHOOK, DELIVERY, LOG }

    /** An organization as the test drives it: its key, and values that mark its logs as its own. */
    private record Org(String key, Api api, String user, String environment, String model, String said) {
        static Org create(String name) {
            String key = server.keys().createKey("tenancy-" + name + "-" + UUID.randomUUID()).key();
            String tag = hex(12);
            return new Org(key, new Api(server.baseUrl(), key), "user-" + name + "-" + tag, "env-" + name + "-" + tag,
                    "model-" + name + "-" + tag, "said-by-" + name + "-" + tag);
        }
    }

    /** The ways a log arrives; each names its request id its own way. */
    private enum LogRoute {
        PLAIN("POST /v1/request/log"),
        CUSTOM("POST /custom/v1/log"),
        OAI("POST /oai/v1/log"),
        ANTHROPIC("POST /anthropic/v1/log"),
        GOOGLE("POST /googleapis/v1/log"),
        GATEWAY("POST /oai/v1/* (gateway)");

        final String route;

        LogRoute(String route) {
            this.route = route;
        }
    }

    /**
     * One of A's objects (or a filter value only A uses) as B might name it. A lookalike has the same
     * shape — only its last 12 hex digits differ — and names nothing that exists.
     */
    private record Target(String label, String id, String parent, Target origin) {
        static Target of(String label, String id) {
            return new Target(label, id, null, null);
        }

        Target real() {
            return origin == null ? this : origin;
        }

        Target lookalike() {
            return new Target(label + " (lookalike)", TenancyTest.lookalike(id), parent == null ? null : TenancyTest.lookalike(parent), this);
        }
    }

    /**
     * A route as B calls it for a target. {@code comparable}: B's answers for A's object and for its
     * lookalike must be byte-identical (false only where each call makes something new, or the
     * answer moves with time). {@code after} checks the outcome of one call further.
     */
    private record Case(String route, String variant, Kind kind, List<Target> targets, Function<Target, Api.Response> call,
            boolean comparable, BiConsumer<Target, Api.Response> after) {
    }

    private static Case probe(String route, String variant, Kind kind, List<Target> targets, Function<Target, Api.Response> call) {
        return new Case(route, variant, kind, targets, call, true, (t, r) -> { });
    }

    // --- the world the test builds ---
    private Org a;
    private Org b;
    private Api anonymous;
    private final List<String> aWebhooks = new ArrayList<>();
    private final List<String> aLogs = new ArrayList<>();
    private final Map<String, String> aLinks = new LinkedHashMap<>();
    private final Map<String, Long> aLogStarts = new LinkedHashMap<>();
    private final Map<String, Long> aDeliveryCreated = new LinkedHashMap<>();
    private final Set<String> aSecrets = new LinkedHashSet<>();
    private Receiver ok;
    private Receiver failing;
    private Receiver later;
    private Receiver bReceiver;

    @Test
    void anotherOrganizationCanNeitherReadNorChangeNorDetectAnOrgsWebhooksDeliveriesAndLogs() {
        long startedAt = System.nanoTime();
        try (Receiver ok = new Receiver();
             Receiver failing = new Receiver().answering(r -> Receiver.status(500));
             // 429 with a Retry-After of an hour: the delivery stays pending, with one attempt made.
             Receiver later = new Receiver().answering(r -> new MockResponse.Builder().code(429)
                     .addHeader("Retry-After", "3600").body("later").build());
             Receiver bReceiver = new Receiver()) {
            this.ok = ok;
            this.failing = failing;
            this.later = later;
            this.bReceiver = bReceiver;
            anonymous = new Api(server.baseUrl(), null);
            a = Org.create("a");
            b = Org.create("b");

            // --- A's world ---
            JsonNode w1 = Webhooks.create(a.api(), ok.url(), "{}", true);
            JsonNode w2 = Webhooks.create(a.api(), failing.url(),
                    "{\"propertyFilters\":[{\"key\":\"environment\",\"value\":\"" + a.environment() + "\"}]}", true);
            JsonNode w3 = Webhooks.create(a.api(), later.url(),
                    "{\"propertyFilters\":[{\"key\":\"user_id\",\"value\":\"" + a.user() + "\"}]}", false);
            JsonNode w4 = Webhooks.create(a.api(), ok.url(), "{\"sampleRate\":12.5}", false);
            assertThat(a.api().patch("/v1/webhooks/" + w4.get("id").asText(), "{\"enabled\":false}").status()).isEqualTo(200);
            for (JsonNode w : List.of(w1, w2, w3, w4)) {
                aWebhooks.add(w.get("id").asText());
                aSecrets.add(w.get("id").asText());
                aSecrets.add(w.get("hmac_key").asText());
                aSecrets.add(w.get("signing_secret").asText());
            }
            aSecrets.addAll(List.of(ok.url(), failing.url(), later.url(), a.user(), a.environment(), a.model(), a.said()));

            long base = System.currentTimeMillis() - 60_000;
            for (LogRoute route : LogRoute.values()) {
                String id = UUID.randomUUID().toString();
                Api.Response r = log(route, a, id, base + route.ordinal() * 1000L);
                assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(200);
                assertThat(r.header("Helicone-Id")).isEqualTo(id);
                aLogs.add(id);
            }
            // Quiet state: W1 delivered all six, W2 failed all six (3 attempts each), W3's six wait an hour.
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    count(a.api(), aWebhooks.get(0), "delivered", 1) == 6
                            && count(a.api(), aWebhooks.get(1), "failed", 3) == 6
                            && count(a.api(), aWebhooks.get(2), "pending", 1) == 6);
            await().atMost(Duration.ofSeconds(10)).until(() -> aLogs.stream().allMatch(id -> payloadFor(ok, id) != null));
            for (String id : aLogs) {
                aLinks.put(id, payloadFor(ok, id).get("request_response_url").asText());
                aLogStarts.put(id, Instant.parse(a.api().get("/v1/request/" + id).data().get("created_at").asText()).toEpochMilli());
            }
            String aOrg = query(aLinks.get(aLogs.get(0))).get("org");
            aSecrets.add(aOrg);
            List<Target> deliveries = new ArrayList<>();
            String[] labels = {"delivered delivery", "failed delivery", "pending delivery"};
            for (int i = 0; i < 3; i++) {
                for (JsonNode d : a.api().get("/v1/webhooks/" + aWebhooks.get(i) + "/deliveries?limit=500").data().get("items")) {
                    aSecrets.add(d.get("id").asText());
                    aDeliveryCreated.put(d.get("id").asText(), Instant.parse(d.get("created_at").asText()).toEpochMilli());
                }
                String first = a.api().get("/v1/webhooks/" + aWebhooks.get(i) + "/deliveries?limit=1").data().get("items").get(0)
                        .get("id").asText();
                deliveries.add(new Target(labels[i], first, aWebhooks.get(i), null));
            }

            // --- B's world: one webhook, one log, one delivery, one link of its own ---
            String bWebhook = Webhooks.create(b.api(), bReceiver.url(), "{}", true).get("id").asText();
            String bLog = UUID.randomUUID().toString();
            assertThat(log(LogRoute.PLAIN, b, bLog, base - 5000).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(b.api(), bWebhook, "delivered", 1) == 1);
            String bDelivery = b.api().get("/v1/webhooks/" + bWebhook + "/deliveries").data().get("items").get(0).get("id").asText();
            Map<String, String> bLinkParams = query(payloadFor(bReceiver, bLog).get("request_response_url").asText());
            String bOrg = bLinkParams.get("org");

            // --- who is named ---
            List<Target> webhooks = List.of(Target.of("active webhook", aWebhooks.get(0)),
                    Target.of("failing webhook", aWebhooks.get(1)),
                    Target.of("webhook with pending deliveries", aWebhooks.get(2)),
                    Target.of("disabled webhook", aWebhooks.get(3)),
                    Target.of("active webhook, id in upper case", aWebhooks.get(0).toUpperCase(Locale.ROOT)));
            List<Target> logs = new ArrayList<>();
            for (LogRoute route : LogRoute.values()) {
                logs.add(Target.of("log via " + route.route, aLogs.get(route.ordinal())));
            }
            Target oneWebhook = webhooks.get(0);
            // For routes that name no object of A's: all of them at once (an id that appears nowhere).
            Target everything = Target.of("all of A's objects", UUID.randomUUID().toString());

            String w = "/v1/webhooks/";
            List<Case> cases = new ArrayList<>();
            // Webhooks, by id: reads, every kind of change, and bodies that would fail validation.
            cases.add(probe("GET /v1/webhooks/{id}", "", Kind.WEBHOOK, webhooks, t -> b.api().get(w + t.id())));
            cases.add(probe("PATCH /v1/webhooks/{id}", "every field", Kind.WEBHOOK, webhooks, t -> b.api().patch(w + t.id(),
                    "{\"destination\":\"http://127.0.0.1:9/stolen\",\"enabled\":false,\"includeData\":true,"
                            + "\"config\":{\"sampleRate\":1,\"propertyFilters\":[{\"key\":\"k\",\"value\":\"v\"}]}}")));
            cases.add(probe("PATCH /v1/webhooks/{id}", "re-enable", Kind.WEBHOOK, webhooks,
                    t -> b.api().patch(w + t.id(), "{\"enabled\":true}")));
            cases.add(probe("PATCH /v1/webhooks/{id}", "invalid body", Kind.WEBHOOK, webhooks,
                    t -> b.api().patch(w + t.id(), "{\"destination\":42,\"config\":{\"sampleRate\":500}}")));
            cases.add(probe("PATCH /v1/webhooks/{id}", "not JSON", Kind.WEBHOOK, webhooks,
                    t -> b.api().send("PATCH", w + t.id(), "enabled=false", "application/x-www-form-urlencoded")));
            cases.add(probe("DELETE /v1/webhooks/{id}", "", Kind.WEBHOOK, webhooks, t -> b.api().delete(w + t.id())));
            cases.add(probe("POST /v1/webhooks/{id}/rotate-secret", "", Kind.WEBHOOK, webhooks,
                    t -> b.api().post(w + t.id() + "/rotate-secret", null)));
            cases.add(probe("POST /v1/webhooks/{id}/test", "", Kind.WEBHOOK, webhooks, t -> b.api().post(w + t.id() + "/test", null)));
            cases.add(probe("GET /v1/webhooks/{id}/deliveries", "", Kind.WEBHOOK, webhooks,
                    t -> b.api().get(w + t.id() + "/deliveries")));
            cases.add(probe("GET /v1/webhooks/{id}/deliveries", "?status=failed&limit=1", Kind.WEBHOOK, webhooks,
                    t -> b.api().get(w + t.id() + "/deliveries?status=failed&limit=1")));
            cases.add(probe("GET /v1/webhooks/{id}/deliveries", "invalid status, limit and cursor", Kind.WEBHOOK, webhooks,
                    t -> b.api().get(w + t.id() + "/deliveries?status=bogus&limit=9999&cursor=zz")));
            cases.add(probe("POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry", "A's webhook, B's delivery", Kind.WEBHOOK, webhooks,
                    t -> b.api().post(w + t.id() + "/deliveries/" + bDelivery + "/retry", null)));
            cases.add(probe("POST /v1/webhooks/{id}/recover", "since 2000", Kind.WEBHOOK, webhooks,
                    t -> b.api().post(w + t.id() + "/recover", SINCE_2000)));
            cases.add(probe("POST /v1/webhooks/{id}/recover", "invalid since", Kind.WEBHOOK, webhooks,
                    t -> b.api().post(w + t.id() + "/recover", "{\"since\":\"yesterday\"}")));
            cases.add(probe("GET /v1/webhooks/{id}/stats", "", Kind.WEBHOOK, webhooks, t -> b.api().get(w + t.id() + "/stats")));
            cases.add(new Case("POST /v1/webhooks", "body naming A's id", Kind.WEBHOOK, List.of(oneWebhook),
                    t -> b.api().post("/v1/webhooks", "{\"id\":\"" + t.id() + "\",\"destination\":\"http://127.0.0.1:9/b\",\"config\":{}}"),
                    false, (t, r) -> {
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(r.data().get("id").asText()).isNotEqualToIgnoringCase(t.id());
                        assertThat(b.api().delete(w + r.data().get("id").asText()).status()).isEqualTo(200);
                    }));

            // Deliveries, by id: through A's webhook and through B's own.
            cases.add(probe("POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry", "A's webhook", Kind.DELIVERY, deliveries,
                    t -> b.api().post(w + t.parent() + "/deliveries/" + t.id() + "/retry", null)));
            cases.add(probe("POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry", "B's webhook", Kind.DELIVERY, deliveries,
                    t -> b.api().post(w + bWebhook + "/deliveries/" + t.id() + "/retry", null)));
            cases.add(probe("GET /v1/webhooks/{id}/deliveries", "B's webhook, cursor at A's delivery", Kind.DELIVERY, deliveries,
                    t -> b.api().get(w + bWebhook + "/deliveries?cursor=" + cursor(aDeliveryCreated.get(t.real().id()), t.id()))));
            cases.add(probe("POST /v1/webhooks/{id}/recover", "B's webhook", Kind.DELIVERY, deliveries,
                    t -> b.api().post(w + bWebhook + "/recover", SINCE_2000)));
            cases.add(probe("GET /v1/webhooks/{id}/stats", "B's webhook", Kind.DELIVERY, deliveries,
                    t -> b.api().get(w + bWebhook + "/stats")));

            // Logs, by id, and the signed links to their bodies: A's link altered, or B's own pointed at A's log.
            cases.add(probe("GET /v1/request/{id}", "", Kind.LOG, logs, t -> b.api().get("/v1/request/" + t.id())));
            cases.add(probe("GET /v1/requests", "cursor at A's log", Kind.LOG, logs,
                    t -> b.api().get("/v1/requests?cursor=" + cursor(aLogStarts.get(t.real().id()), t.id()))));
            cases.add(probe("GET /bodies/{id}", "A's link with B's org", Kind.LOG, logs,
                    t -> anonymous.get(bodies(t.id(), with(aLinkParams(t), "org", bOrg)))));
            cases.add(probe("GET /bodies/{id}", "A's link, signature altered", Kind.LOG, logs,
                    t -> anonymous.get(bodies(t.id(), with(aLinkParams(t), "signature", altered(aLinkParams(t).get("signature")))))));
            cases.add(probe("GET /bodies/{id}", "A's link, expiry extended", Kind.LOG, logs,
                    t -> anonymous.get(bodies(t.id(), with(aLinkParams(t), "expires",
                            Long.toString(Long.parseLong(aLinkParams(t).get("expires")) + 1))))));
            cases.add(probe("GET /bodies/{id}", "A's link without org", Kind.LOG, logs,
                    t -> anonymous.get(bodies(t.id(), without(aLinkParams(t), "org")))));
            cases.add(probe("GET /bodies/{id}", "B's own link pointed at A's log", Kind.LOG, logs,
                    t -> anonymous.get(bodies(t.id(), bLinkParams))));

            // A request id A already used, on every log route and the gateway (each B route reuses an id
            // A logged through another route): B gets its own log and delivery, A's stay as they were.
            for (LogRoute aRoute : LogRoute.values()) {
                LogRoute bRoute = LogRoute.values()[(aRoute.ordinal() + 1) % LogRoute.values().length];
                cases.add(new Case(bRoute.route, "request id A logged via " + aRoute.route, Kind.LOG, List.of(logs.get(aRoute.ordinal())),
                        t -> log(bRoute, b, t.id(), base - 10_000 - aRoute.ordinal() * 1000L), true, this::isBsOwnLog));
            }

            // Lists: B's own, filtered by values only A uses, answered as for values nobody uses.
            cases.add(new Case("GET /v1/webhooks", "", Kind.WEBHOOK, List.of(everything), t -> b.api().get("/v1/webhooks"), true,
                    (t, r) -> assertThat(r.data().findValuesAsText("id")).containsExactly(bWebhook)));
            cases.add(probe("GET /v1/webhooks/{id}/deliveries", "B's webhook, every status", Kind.DELIVERY, deliveries,
                    t -> b.api().get(w + bWebhook + "/deliveries?limit=500")));
            // B's 13 logs: its first one, the six under ids A used too, and the six lookalikes of those.
            cases.add(new Case("GET /v1/requests", "", Kind.LOG, List.of(everything), t -> b.api().get("/v1/requests?limit=500"), true,
                    (t, r) -> assertThat(r.data().get("items").findValuesAsText("user_id")).hasSize(13).containsOnly(b.user())));
            cases.add(probe("GET /v1/requests", "user_id=A's user", Kind.LOG, List.of(Target.of("A's user", a.user())),
                    t -> b.api().get("/v1/requests?user_id=" + t.id())));
            cases.add(probe("GET /v1/requests", "model=A's model", Kind.LOG, List.of(Target.of("A's model", a.model())),
                    t -> b.api().get("/v1/requests?model=" + t.id())));
            cases.add(probe("GET /v1/requests", "property.environment=A's", Kind.LOG, List.of(Target.of("A's property", a.environment())),
                    t -> b.api().get("/v1/requests?property.Environment=" + t.id())));

            // Routes without an org: they must not name A's objects either.
            cases.add(new Case("GET /metrics", "", Kind.WEBHOOK, List.of(everything), t -> anonymous.get("/metrics"), false, (t, r) -> { }));
            cases.add(probe("GET /healthz", "", Kind.WEBHOOK, List.of(everything), t -> anonymous.get("/healthz")));
            cases.add(probe("GET /readyz", "", Kind.WEBHOOK, List.of(everything), t -> anonymous.get("/readyz")));

            List<String> leaks = run(cases);

            Set<String> routes = cases.stream().map(Case::route).collect(Collectors.toCollection(LinkedHashSet::new));
            int probes = cases.stream().mapToInt(c -> c.targets().size()).sum();
            System.out.printf("tenancy (%s): %d routes x %d object kinds checked (%d cases, %d probes, %.1f s), %d leaks%n",
                    store, routes.size(), Kind.values().length, cases.size(), probes, (System.nanoTime() - startedAt) / 1e9, leaks.size());
            for (String route : routes) {
                System.out.printf("  %-55s %s%n", route, cases.stream().filter(c -> c.route().equals(route))
                        .map(c -> c.kind().name().toLowerCase(Locale.ROOT) + (c.variant().isEmpty() ? "" : " (" + c.variant() + ")"))
                        .distinct().collect(Collectors.joining(", ")));
            }
            leaks.forEach(leak -> System.out.println("  LEAK " + leak));
            assertThat(leaks).as("tenancy leaks on " + store).isEmpty();
        }
    }

    /** Runs every case for every target and its lookalike; answers what leaked. */
    private List<String> run(List<Case> cases) {
        List<String> leaks = new ArrayList<>();
        String before = snapshotOfA();
        for (Case c : cases) {
            String name = c.route() + (c.variant().isEmpty() ? "" : " [" + c.variant() + "]");
            for (Target t : c.targets()) {
                Target nobody = t.lookalike();
                Api.Response forA = c.call().apply(t);
                Api.Response forNobody = c.call().apply(nobody);
                String where = name + ", " + t.label();
                if (c.comparable() && !answer(forA, t).equals(answer(forNobody, nobody))) {
                    leaks.add(where + ": answer differs from a nonexistent id's\n      A's object: " + abbreviated(answer(forA, t))
                            + "\n      nonexistent: " + abbreviated(answer(forNobody, nobody)));
                }
                if (forA.status() >= 500) {
                    leaks.add(where + ": server error " + forA.body());
                }
                String mentioned = mentionOfA(forA);
                if (mentioned != null) {
                    leaks.add(where + ": the answer names A's " + mentioned + ": " + abbreviated(forA.body()));
                }
                for (Map.Entry<Target, Api.Response> call : Map.of(t, forA, nobody, forNobody).entrySet()) {
                    try {
                        c.after().accept(call.getKey(), call.getValue());
                    } catch (AssertionError | RuntimeException e) {
                        leaks.add(where + " (" + call.getKey().label() + "): "
                                + abbreviated(String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ")));
                    }
                }
                String now = snapshotOfA();
                if (!now.equals(before)) {
                    leaks.add(where + ": A's objects changed: " + firstDifference(before, now));
                    before = now;
                }
            }
        }
        return leaks;
    }

    /** B reused a request id: the log under it is B's (B's user, B's bodies), and so is its delivery and body link. */
    private void isBsOwnLog(Target t, Api.Response answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Api.Response r = b.api().get("/v1/request/" + t.id());
            assertThat(r.status()).as("B's log " + t.id()).isEqualTo(200);
            assertThat(r.data().get("user_id").asText()).isEqualTo(b.user());
            assertThat(r.body()).contains(b.said()).doesNotContain(a.said());
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> payloadFor(bReceiver, t.id()) != null);
        Api.Response bodies = anonymous.get(relative(payloadFor(bReceiver, t.id()).get("request_response_url").asText()));
        assertThat(bodies.status()).isEqualTo(200);
        assertThat(bodies.body()).contains(b.said()).doesNotContain(a.said());
    }

    /**
     * Everything A can read about its objects, with its own key and its own links, plus what its
     * receivers got: equal before and after a call of B's means B changed nothing.
     */
    private String snapshotOfA() {
        StringBuilder s = new StringBuilder();
        s.append(a.api().get("/v1/webhooks").body()).append('\n');
        for (String id : aWebhooks) {
            s.append(a.api().get("/v1/webhooks/" + id).body()).append('\n');
            s.append(a.api().get("/v1/webhooks/" + id + "/deliveries?limit=500").body()).append('\n');
            s.append(a.api().get("/v1/webhooks/" + id + "/stats").body()).append('\n');
        }
        for (String id : aLogs) {
            s.append(a.api().get("/v1/request/" + id).body()).append('\n');
            s.append(anonymous.get(relative(aLinks.get(id))).body()).append('\n');
        }
        s.append(a.api().get("/v1/requests?limit=500").body()).append('\n');
        s.append("received: ").append(ok.received().size()).append(' ').append(failing.received().size()).append(' ')
                .append(later.received().size()).append('\n');
        // Below the API: deliveries of any organization that point at A's webhooks (only A's own may).
        List<String> deliveriesByOrg = server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT org_id, COUNT(*) FROM deliveries WHERE webhook_id IN (<ids>) GROUP BY org_id ORDER BY org_id")
                .bindList("ids", aWebhooks)
                .map((rs, ctx) -> rs.getString(1) + "=" + rs.getLong(2)).list());
        return s.append(deliveriesByOrg).toString();
    }

    /** Status, headers (but Date) and body, with the ids of the call written as placeholders. */
    private static String answer(Api.Response r, Target t) {
        Map<String, List<String>> headers = new TreeMap<>();
        r.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("date")) {
                headers.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        String text = r.status() + " " + headers + " " + r.body();
        text = text.replace(t.id(), "{id}");
        return t.parent() == null ? text : text.replace(t.parent(), "{parent}");
    }

    /** Which of A's secrets or ids the answer names, if any. */
    private String mentionOfA(Api.Response r) {
        String text = (r.headers() + " " + r.body()).toLowerCase(Locale.ROOT);
        return aSecrets.stream().filter(secret -> text.contains(secret.toLowerCase(Locale.ROOT))).findFirst().orElse(null);
    }

    /** Sends a log of {@code org} with {@code requestId} through {@code route}. */
    private static Api.Response log(LogRoute route, Org org, String requestId, long startMillis) {
        Map<String, String> heliconeHeaders = Map.of("Helicone-Request-Id", requestId, "Helicone-User-Id", org.user(),
                "Helicone-Property-Environment", org.environment());
        String meta = TestJson.tree(heliconeHeaders).toString();
        return switch (route) {
            case PLAIN -> org.api().post("/v1/request/log", """
                    {"request_id":"%s","model":"%s","user_id":"%s","properties":{"Environment":"%s"},
                     "request":{"model":"%s","messages":[{"role":"user","content":"%s"}]},
                     "response":{"choices":[{"message":{"role":"assistant","content":"%s"}}]},
                     "status":200,"started_at":%d,"ended_at":%d}"""
                    .formatted(requestId, org.model(), org.user(), org.environment(), org.model(), org.said(), org.said(),
                            startMillis, startMillis + 250));
            case CUSTOM -> org.api().postWithHeaders("/custom/v1/log", heliconeBody(org, "{}", startMillis), heliconeHeaders);
            case OAI -> org.api().post("/oai/v1/log", heliconeBody(org, meta, startMillis));
            case ANTHROPIC -> org.api().postWithHeaders("/anthropic/v1/log", heliconeBody(org, "{}", startMillis), heliconeHeaders);
            case GOOGLE -> org.api().post("/googleapis/v1/log", heliconeBody(org, meta, startMillis));
            case GATEWAY -> {
                Map<String, String> headers = new LinkedHashMap<>(heliconeHeaders);
                headers.put("Helicone-Auth", "Bearer " + org.key());
                headers.put("Authorization", "Bearer sk-upstream-key");
                yield new Api(server.baseUrl(), null).postWithHeaders("/oai/v1/chat/completions",
                        "{\"model\":\"" + org.model() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + org.said() + "\"}]}", headers);
            }
        };
    }

    private static String heliconeBody(Org org, String meta, long startMillis) {
        long end = startMillis + 250;
        return """
                {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions",
                  "json":{"model":"%s","messages":[{"role":"user","content":"%s"}]},"meta":%s},
                 "providerResponse":{"status":200,"headers":{},
                  "json":{"choices":[{"index":0,"message":{"role":"assistant","content":"%s"}}],
                    "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}},
                 "timing":{"startTime":{"seconds":%d,"milliseconds":%d},"endTime":{"seconds":%d,"milliseconds":%d}}}"""
                .formatted(org.model(), org.said(), meta, org.said(), startMillis / 1000, startMillis % 1000, end / 1000, end % 1000);
    }

    /** How many of the webhook's deliveries have {@code status} after exactly {@code attempts} attempts. */
    private static long count(Api api, String webhookId, String status, int attempts) {
        JsonNode items = api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=500").data().get("items");
        long n = 0;
        for (JsonNode d : items) {
            if (d.get("status").asText().equals(status) && d.get("attempts_count").asInt() == attempts) {
                n++;
            }
        }
        return n;
    }

    /** The payload the receiver got for {@code requestId}, or null. */
    private static JsonNode payloadFor(Receiver receiver, String requestId) {
        for (Receiver.Received r : receiver.received()) {
            try {
                JsonNode payload = TestJson.MAPPER.readTree(r.body());
                if (requestId.equals(payload.path("request_id").asText())) {
                    return payload;
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return null;
    }

    /** A's own link parameters for the log the target stands for (a lookalike keeps them: only its path differs). */
    private Map<String, String> aLinkParams(Target t) {
        return query(aLinks.get(t.real().id()));
    }

    private static Map<String, String> query(String link) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return params;
    }

    private static Map<String, String> with(Map<String, String> params, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(params);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, String> without(Map<String, String> params, String name) {
        Map<String, String> changed = new LinkedHashMap<>(params);
        changed.remove(name);
        return changed;
    }

    private static String bodies(String requestId, Map<String, String> params) {
        return "/bodies/" + requestId + "?" + params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    /** A link's path and query, to be called on this server whatever host HELIOGRAPH_PUBLIC_URL names. */
    private static String relative(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static String altered(String hex) {
        char last = hex.charAt(hex.length() - 1);
        return hex.substring(0, hex.length() - 1) + (last == '0' ? '1' : '0');
    }

    /** A page cursor as the server writes them: the position (time, id) just after which the next page starts. */
    private static String cursor(long time, String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((time + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The same text with its last 12 hex digits replaced by others (in the same case). */
    static String lookalike(String text) {
        String tail = text.substring(text.length() - 12);
        String fresh;
        do {
            fresh = hex(12);
        } while (fresh.equalsIgnoreCase(tail));
        if (text.equals(text.toUpperCase(Locale.ROOT))) {
            fresh = fresh.toUpperCase(Locale.ROOT);
        }
        return text.substring(0, text.length() - 12) + fresh;
    }

    private static String hex(int digits) {
        byte[] bytes = new byte[(digits + 1) / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, digits);
    }

    private static String abbreviated(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "…";
    }

    private static String firstDifference(String before, String after) {
        int i = 0;
        while (i < before.length() && i < after.length() && before.charAt(i) == after.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 60);
        return ("before …" + before.substring(from, Math.min(before.length(), i + 120)) + "… now …"
                + after.substring(from, Math.min(after.length(), i + 120)) + "…").replace("\n", " ⏎ ");
    }
}
