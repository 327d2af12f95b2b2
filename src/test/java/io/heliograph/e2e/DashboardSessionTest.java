package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard's server side, on each store, as a browser meets it: the page and its assets with
 * their safety headers; signing in with a key (an HttpOnly, SameSite=Strict cookie, never Secure on
 * plain http); the API through that cookie, changes only with the CSRF token; signing out; a revoked
 * key ending its sessions; failed sign-ins throttled per address; the live stream; the charts' series
 * and the webhooks' health read from the rollups.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class DashboardSessionTest {
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

    /** A browser: no Bearer key, a cookie once signed in, the CSRF token on changes; from its own loopback address. */
    static final class Browser {
        final HttpClient client;
        final String base;
        String cookie;
        String csrf;

        Browser(String base, String localAddress) {
            this.base = base;
            try {
                this.client = HttpClient.newBuilder().localAddress(InetAddress.getByName(localAddress)).connectTimeout(Duration.ofSeconds(5)).build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        Api.Response send(String method, String path, String json, Map<String, String> headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            if (cookie != null) {
                b.header("Cookie", cookie);
            }
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Api.Response(r.statusCode(), r.body(), r.headers().map());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Api.Response signIn(String key) {
            Api.Response r = send("POST", "/ui/session", "{\"key\":\"" + key + "\"}", Map.of());
            if (r.status() == 200) {
                String setCookie = r.header("Set-Cookie");
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
                csrf = r.data().get("csrf_token").asText();
            }
            return r;
        }

        Api.Response change(String method, String path, String json) {
            return send(method, path, json, Map.of("X-CSRF-Token", csrf));
        }
    }

    private static int browsers;

    /** Each browser comes from its own loopback address, so one test's failed sign-ins never throttle another's. */
    private static Browser browser() {
        return new Browser(server.baseUrl(), "127.0.0." + (10 + browsers++));
    }

    private static String newKey(String org) {
        return server.apiForNewKey(org).apiKey();
    }

    @Test
    void thePageAndItsAssetsComeFromTheJarWithSafetyHeaders() {
        Browser b = browser();
        Api.Response page = b.send("GET", "/", null, Map.of());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("/ui/app.js").contains("/ui/app.css").doesNotContain("<script>");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline")
                .contains("frame-ancestors 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");

        Api.Response js = b.send("GET", "/ui/app.js", null, Map.of("Accept-Encoding", "gzip"));
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.header("Content-Encoding")).isEqualTo("gzip");
        Api.Response again = b.send("GET", "/ui/app.js", null, Map.of("If-None-Match", js.header("ETag")));
        assertThat(again.status()).as("unchanged: revalidated, not sent again").isEqualTo(304);
        assertThat(b.send("GET", "/ui/app.css", null, Map.of()).header("Content-Type")).startsWith("text/css");
        long weight = 0;
        for (String file : new String[] {"/", "/ui/app.js", "/ui/app.css", "/ui/favicon.svg"}) {
            Api.Response r = b.send("GET", file, null, Map.of("Accept-Encoding", "gzip"));
            assertThat(r.status()).isEqualTo(200);
            weight += Long.parseLong(r.header("Content-Length"));
        }
        assertThat(weight).as("everything a page loads, compressed (issue 16: at most 300 KiB)").isPositive().isLessThanOrEqualTo(300 * 1024);
        Api.Response missing = b.send("GET", "/ui/../pom.xml", null, Map.of());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(b.send("GET", "/ui/nothing.js", null, Map.of()).body()).isEqualTo("{\"data\":null,\"error\":\"Not found\"}");
    }

    @Test
    void aKeySignsInToACookieSessionThatActsAsTheKeyAndChangesOnlyWithTheCsrfToken() {
        String org = "org-" + UUID.randomUUID();
        String key = newKey(org);
        Browser b = browser();
        assertThat(b.send("GET", "/ui/session", null, Map.of()).status()).isEqualTo(401);
        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).status()).as("no cookie, no key").isEqualTo(401);

        Api.Response in = b.signIn(key);
        assertThat(in.status()).isEqualTo(200);
        String setCookie = in.header("Set-Cookie");
        assertThat(setCookie).startsWith("hg_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .as("plain http: not Secure, or no browser would send it back").doesNotContain("Secure");
        assertThat(in.body()).as("the key is never echoed").doesNotContain(key);
        assertThat(in.data().get("org").asText()).isEqualTo(org);
        assertThat(in.data().get("scope").asText()).isEqualTo("admin");
        assertThat(key).startsWith(in.data().get("key_prefix").asText());
        assertThat(b.send("GET", "/ui/session", null, Map.of()).data().get("csrf_token").asText()).isEqualTo(b.csrf);

        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).status()).isEqualTo(200);
        String body = "{\"destination\":\"http://127.0.0.1:9/hook\",\"config\":{}}";
        Api.Response noToken = b.send("POST", "/v1/webhooks", body, Map.of());
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.error()).isEqualTo("CSRF token missing or invalid");
        assertThat(b.send("POST", "/v1/webhooks", body, Map.of("X-CSRF-Token", "x" + b.csrf)).status()).isEqualTo(403);
        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).data()).as("nothing made without the token").isEmpty();
        Api.Response made = b.change("POST", "/v1/webhooks", body);
        assertThat(made.status()).isEqualTo(200);
        assertThat(server.api().withKey(key).get("/v1/webhooks").data()).hasSize(1);

        // A Bearer key still works beside a cookie: API clients never need the CSRF token.
        Api.Response bearer = b.send("POST", "/v1/webhooks", body, Map.of("Authorization", "Bearer " + key));
        assertThat(bearer.status()).isEqualTo(200);

        // Signing out needs the token too, then ends the session everywhere.
        assertThat(b.send("DELETE", "/ui/session", null, Map.of()).status()).isEqualTo(403);
        Api.Response out = b.change("DELETE", "/ui/session", null);
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.header("Set-Cookie")).startsWith("hg_session=;").contains("Max-Age=0");
        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).status()).isEqualTo(401);
        assertThat(b.send("GET", "/ui/session", null, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void revokingTheKeyEndsItsSessionsAtOnce() {
        Api admin = server.apiForNewKey("org-" + UUID.randomUUID());
        JsonNode other = admin.post("/v1/keys", "{\"scope\":\"write\"}").data();
        Browser b = browser();
        assertThat(b.signIn(other.get("key").asText()).data().get("scope").asText()).isEqualTo("write");
        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).status()).isEqualTo(200);
        assertThat(b.send("GET", "/v1/keys", null, Map.of()).status()).as("the session has its key's scope").isEqualTo(403);
        assertThat(admin.delete("/v1/keys/" + other.get("id").asText()).status()).isEqualTo(200);
        assertThat(b.send("GET", "/v1/webhooks", null, Map.of()).status()).isEqualTo(401);
        assertThat(b.send("GET", "/ui/session", null, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void failedSignInsAreThrottledPerAddressAndBadBodiesGetClearErrors() {
        Browser b = browser();
        for (int i = 0; i < 10; i++) {
            Api.Response r = b.signIn("hg_wrong_" + i);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.error()).isEqualTo("Invalid API key");
        }
        Api.Response throttled = b.signIn(newKey("org-" + UUID.randomUUID()));
        assertThat(throttled.status()).as("even the right key waits").isEqualTo(429);
        assertThat(throttled.error()).matches("Too many failed sign-ins; try again in \\d+ s");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(browser().signIn(newKey("org-" + UUID.randomUUID())).status()).as("another address is not held back").isEqualTo(200);

        Browser c = browser();
        assertThat(c.send("POST", "/ui/session", "{\"key\":1}", Map.of()).error()).isEqualTo("key is required");
        assertThat(c.send("POST", "/ui/session", "{\"key\":\"  \"}", Map.of()).status()).isEqualTo(400);
        assertThat(c.send("POST", "/ui/session", "{", Map.of()).error()).isEqualTo("Invalid JSON body");
        assertThat(c.send("POST", "/ui/session", "x".repeat(600), Map.of()).status()).isEqualTo(400);
        Api.Response form = c.send("POST", "/ui/session", null, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(form.status()).as("a cross-site form cannot sign a browser in").isEqualTo(415);
        HttpRequest noType = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"hg_x\"}")).build();
        assertThat(send(c.client, noType).statusCode()).isEqualTo(415);
        assertThat(c.signIn("hg_" + "x".repeat(600)).status()).isEqualTo(401);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void attemptsStreamLiveAndFillTheSeriesAndHealthOfTheirOwnOrganizationOnly() throws Exception {
        String org = "org-" + UUID.randomUUID();
        String key = newKey(org);
        Api api = server.api().withKey(key);
        try (Receiver receiver = new Receiver()) {
            receiver.answering(r -> Receiver.status(r.requestId().startsWith("f") ? 500 : 200));
            String webhookId = Webhooks.create(api, receiver.url(), "{}", false).get("id").asText();
            Browser b = browser();
            b.signIn(key);
            HttpRequest stream = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/live")).header("Cookie", b.cookie).GET().build();
            HttpResponse<java.io.InputStream> live = b.client.send(stream, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            BufferedReader lines = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8));
            CompletableFuture<JsonNode> firstEvent = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    boolean attempt = false;
                    while ((line = lines.readLine()) != null) {
                        if (line.equals("event: attempt")) {
                            attempt = true;
                        } else if (attempt && line.startsWith("data: ")) {
                            return TestJson.parse(line.substring(6));
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Another organization's attempts never reach this stream.
            Api stranger = server.apiForNewKey("org-" + UUID.randomUUID());
            Webhooks.create(stranger, receiver.url(), "{}", false);
            assertThat(stranger.post("/v1/request/log", Webhooks.log("0" + UUID.randomUUID().toString().substring(1), "gpt-4o", "prod")).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);

            String ok = "0" + UUID.randomUUID().toString().substring(1);
            assertThat(api.post("/v1/request/log", Webhooks.log(ok, "gpt-4o", "prod")).status()).isEqualTo(200);
            JsonNode event = firstEvent.get(20, TimeUnit.SECONDS);
            assertThat(event.get("webhook_id").asText()).isEqualTo(webhookId);
            assertThat(event.get("request_id").asText()).isEqualTo(ok);
            assertThat(event.get("status").asText()).isEqualTo("delivered");
            assertThat(event.get("status_code").asInt()).isEqualTo(200);
            assertThat(event.get("delivery_id").asText()).startsWith("msg_");
            live.body().close();

            // The payload that was sent, as the dashboard shows it: the body the receiver got.
            String deliveryId = event.get("delivery_id").asText();
            JsonNode payload = api.get("/v1/webhooks/" + webhookId + "/deliveries/" + deliveryId + "/payload").data().get("payload");
            JsonNode got = TestJson.parse(receiver.received().stream().filter(r -> r.requestId().equals(ok)).findFirst().orElseThrow().text());
            assertThat(payload).isEqualTo(got);
            assertThat(api.get("/v1/webhooks/" + webhookId + "/deliveries/msg_" + "0".repeat(32) + "/payload").error()).isEqualTo("Delivery not found");
            assertThat(stranger.get("/v1/webhooks/" + webhookId + "/deliveries/" + deliveryId + "/payload").status()).isEqualTo(404);

            for (int i = 0; i < 3; i++) {
                api.post("/v1/request/log", Webhooks.log("f" + UUID.randomUUID().toString().substring(1), "gpt-4o", "prod"));
                api.post("/v1/request/log", Webhooks.log("0" + UUID.randomUUID().toString().substring(1), "gpt-4o", "prod"));
            }
            // 4 delivered at once, 3 failed first attempts (retried later): 7 attempts in the current minute.
            await().atMost(Duration.ofSeconds(20)).until(() -> sum(api, webhookId, "hour", "succeeded") == 4
                    && sum(api, webhookId, "hour", "failed") >= 3);
            JsonNode hour = api.get("/v1/webhooks/" + webhookId + "/series?window=hour").data();
            assertThat(hour.get("bucket_seconds").asInt()).isEqualTo(60);
            assertThat(hour.get("points")).hasSize(60);
            JsonNode last = hour.get("points").get(59);
            assertThat(last.get("succeeded").asLong() + last.get("failed").asLong()).as("the newest bucket holds now").isGreaterThanOrEqualTo(7);
            assertThat(last.get("p99_latency_ms").isNumber()).isTrue();
            assertThat(hour.get("points").get(0).get("succeeded").asLong()).isZero();
            JsonNode total = hour.get("total");
            assertThat(total.get("successes").asLong()).isEqualTo(4);
            assertThat(total.get("attempts").asLong()).isEqualTo(total.get("successes").asLong() + total.get("failures").asLong())
                    .isGreaterThanOrEqualTo(7);
            assertThat(total.get("p99_latency_ms").asLong()).isGreaterThanOrEqualTo(total.get("p50_latency_ms").asLong());
            assertThat(hour.get("points").get(0).get("p50_latency_ms").isNull()).isTrue();
            JsonNode day = api.get("/v1/webhooks/" + webhookId + "/series?window=day").data();
            assertThat(day.get("bucket_seconds").asInt()).isEqualTo(900);
            assertThat(day.get("points")).hasSize(96);
            assertThat(sum(api, webhookId, "day", "succeeded")).isEqualTo(4);

            JsonNode health = api.get("/v1/webhooks/health").data().get("items");
            assertThat(health).hasSize(1);
            assertThat(health.get(0).get("webhook_id").asText()).isEqualTo(webhookId);
            long attempts = health.get(0).get("attempts").asLong();
            assertThat(health.get(0).get("successes").asLong()).isEqualTo(4);
            assertThat(health.get(0).get("success_rate").asDouble()).isCloseTo(4.0 / attempts, within(0.0001));
            assertThat(health.get(0).get("last_attempt_at").asText()).endsWith("Z");

            Api.Response badWindow = api.get("/v1/webhooks/" + webhookId + "/series?window=week");
            assertThat(badWindow.status()).isEqualTo(400);
            assertThat(badWindow.error()).isEqualTo("window must be hour or day");
            assertThat(stranger.get("/v1/webhooks/" + webhookId + "/series").status()).isEqualTo(404);
            assertThat(stranger.get("/v1/webhooks/health").data().get("items").get(0).get("webhook_id").asText()).isNotEqualTo(webhookId);
        }
    }

    private static long sum(Api api, String webhookId, String window, String field) {
        long total = 0;
        for (JsonNode p : api.get("/v1/webhooks/" + webhookId + "/series?window=" + window).data().get("points")) {
            total += p.get(field).asLong();
        }
        return total;
    }
}
