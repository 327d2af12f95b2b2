package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.delivery.Matching;
import io.heliograph.json.JsJson;
import io.heliograph.support.Api;
import io.heliograph.support.Logs;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Logged requests reach real local receivers, signed, retried and recorded — on each store. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class DeliveryTest {

    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.builder(store).loopbackReceivers().retrySchedule("1s,1s,1s").inlineBodyLimit(2048).start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** Each test gets its own organization, so webhooks of other tests never receive its logs. */
    private static Api freshOrg() {
        return server.apiForNewKey("org-" + UUID.randomUUID());
    }

    private static String log(Api api, String model, String environment) {
        String id = UUID.randomUUID().toString();
        Api.Response r = api.post("/v1/request/log", Webhooks.log(id, model, environment));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return id;
    }

    private static JsonNode body(Receiver.Received r) {
        return TestJson.parse(r.body());
    }

    @Test
    void aLoggedRequestArrivesSignedInBothSchemes() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            JsonNode webhook = Webhooks.create(api, receiver.url(), "{}", true);
            long before = System.currentTimeMillis() / 1000;
            String requestId = log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Receiver.Received r = receiver.received().get(0);
            String hmacKey = webhook.get("hmac_key").asText();
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("User-Agent")).startsWith("Heliograph-Webhooks/");
            assertThat(r.header("X-Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(r.body(), hmacKey));
            assertThat(r.header("Helicone-Signature")).isEqualTo(r.header("X-Helicone-Signature"));
            assertThat(r.header("webhook-id")).matches("msg_[0-9a-f]{32}");
            assertThat(Long.parseLong(r.header("webhook-timestamp"))).isBetween(before - 1, before + 30);
            assertThat(r.header("webhook-signature")).isEqualTo(Webhooks.standardSignature(webhook.get("signing_secret").asText(),
                    r.header("webhook-id"), r.header("webhook-timestamp"), r.body()));
            // Receivers written from Helicone's docs re-serialise the parsed body: it must be JavaScript's own form.
            assertThat(r.text()).isEqualTo(JsJson.canonical(r.text()));

            JsonNode payload = body(r);
            assertThat(payload.get("request_id").asText()).isEqualTo(requestId);
            assertThat(payload.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(payload.get("provider").asText()).isEqualTo("OPENAI");
            assertThat(payload.get("user_id").asText()).isEqualTo("user_123");
            assertThat(payload.get("created_at").asText()).isEqualTo("2026-01-15T10:30:00.000Z");
            assertThat(payload.get("status").asInt()).isEqualTo(200);
            assertThat(payload.get("properties").toString()).isEqualTo("{\"environment\":\"prod\",\"user_id\":\"user_123\"}");
            assertThat(r.text()).contains(
                    "\"metadata\":{\"promptTokens\":13,\"completionTokens\":17,\"totalTokens\":30,\"latencyMs\":930,\"cost\":0.0002025}");
            assertThat(r.text()).contains("\"temperature\":1}");
            assertThat(payload.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("yo");
            // Helicone's own fields: each body as its JSON text, beside request / response, before the link.
            String requestText = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":1}";
            String responseText = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"yo\"}}],"
                    + "\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":30}}";
            assertThat(payload.get("request_body").textValue()).isEqualTo(requestText);
            assertThat(payload.get("response_body").textValue()).isEqualTo(responseText);
            assertThat(r.text()).contains("\"request\":" + requestText + ",\"response\":" + responseText
                    + ",\"request_body\":" + JsJson.stringify(requestText) + ",\"response_body\":" + JsJson.stringify(responseText)
                    + ",\"request_response_url\":\"");
            assertThat(payload.get("request_response_url").asText()).startsWith(server.baseUrl().replace("127.0.0.1", "localhost") + "/bodies/");

            String id = webhook.get("id").asText();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    "delivered".equals(api.get("/v1/webhooks/" + id + "/deliveries").data().get("items").get(0).get("status").asText()));
            JsonNode delivery = api.get("/v1/webhooks/" + id + "/deliveries").data().get("items").get(0);
            assertThat(delivery.get("id").asText()).isEqualTo(r.header("webhook-id"));
            assertThat(delivery.get("request_id").asText()).isEqualTo(requestId);
            assertThat(delivery.get("attempts_count").asInt()).isEqualTo(1);
            assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
            assertThat(delivery.get("attempts").get(0).get("response_body").asText()).isEqualTo("ok");
        }
    }

    @Test
    void filtersAndIncludeDataDecideWhatIsSent() {
        Api api = freshOrg();
        try (Receiver prod = new Receiver(); Receiver lean = new Receiver()) {
            Webhooks.create(api, prod.url(), "{\"propertyFilters\":[{\"key\":\"environment\",\"value\":\"prod\"},"
                    + "{\"key\":\"model\",\"value\":\"gpt-4o\"}]}", true);
            Webhooks.create(api, lean.url(), "{}", false);
            String match = log(api, "gpt-4o", "prod");
            log(api, "gpt-4o", "staging");
            log(api, "gpt-4o-mini", "prod");

            await().atMost(Duration.ofSeconds(10)).until(() -> lean.received().size() == 3);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> prod.received().size() == 1);
            assertThat(body(prod.received().get(0)).get("request_id").asText()).isEqualTo(match);
            for (Receiver.Received r : lean.received()) {
                JsonNode payload = body(r);
                assertThat(payload.has("request")).isFalse();
                assertThat(payload.has("response")).isFalse();
                assertThat(payload.has("request_response_url")).isFalse();
                assertThat(payload.has("request_body")).isFalse();
                assertThat(payload.has("response_body")).isFalse();
                assertThat(payload.has("metadata")).isTrue();
            }
        }
    }

    @Test
    void bodiesOverTheInlineLimitAreLeftOutAndTheLinkServesThemWhole() throws Exception {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            Webhooks.create(api, receiver.url(), "{}", true);
            String big = "z".repeat(5000);
            String id = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod").replace("\"content\":\"hi\"",
                    "\"content\":\"" + big + "\"")).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            JsonNode payload = body(receiver.received().get(0));
            assertThat(payload.get("request_truncated").asBoolean()).isTrue();
            assertThat(payload.has("request")).isFalse();
            assertThat(payload.get("response").isObject()).isTrue();
            // Helicone's 10 KB rule is its own: this request's JSON text is under it, so request_body carries it.
            assertThat(TestJson.parse(payload.get("request_body").textValue()).get("messages").get(0).get("content").asText())
                    .isEqualTo(big);
            String link = payload.get("request_response_url").asText();

            HttpResponse<String> bodies = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bodies.statusCode()).isEqualTo(200);
            assertThat(bodies.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            // At the top level, as receivers written from Helicone's docs read it: no envelope.
            JsonNode whole = TestJson.parse(bodies.body());
            List<String> fields = new ArrayList<>();
            whole.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("request_id", "request", "response");
            assertThat(whole.get("request_id").asText()).isEqualTo(id);
            assertThat(whole.get("request").get("messages").get(0).get("content").asText()).isEqualTo(big);
            assertThat(whole.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("yo");
            HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(link.replaceAll("signature=[0-9a-f]{4}", "signature=0000"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).isEqualTo("{\"data\":null,\"error\":\"Link invalid or expired\"}");
            HttpResponse<String> expired = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(link.replaceAll("expires=[0-9]+", "expires=1"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(expired.statusCode()).isEqualTo(403);
            assertThat(expired.body()).isEqualTo("{\"data\":null,\"error\":\"Link invalid or expired\"}");
        }
    }

    /** A log route call, the bodies the caller asked to omit, and the words only those bodies hold. */
    private record Omission(String requestId, boolean requestOmitted, boolean responseOmitted, String requestWords,
            String responseWords) {
    }

    @Test
    void omitHeadersOnTheLogRoutesKeepBodiesOutOfTheStoreAndTheWebhooks() {
        Api api = freshOrg();
        long start = 1_768_473_000_000L;
        try (Receiver receiver = new Receiver()) {
            Webhooks.create(api, receiver.url(), "{}", true);
            List<Omission> cases = new ArrayList<>();
            String id = UUID.randomUUID().toString();
            assertThat(api.postWithHeaders("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"),
                    java.util.Map.of("Helicone-Omit-Request", "true", "Helicone-Omit-Response", "TRUE")).status()).isEqualTo(200);
            cases.add(new Omission(id, true, true, "\"hi\"", "\"yo\""));
            id = UUID.randomUUID().toString();
            assertThat(api.postWithHeaders("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"),
                    java.util.Map.of("Helicone-Omit-Response", "true", "Helicone-Omit-Request", "yes")).status()).isEqualTo(200);
            cases.add(new Omission(id, false, true, "\"hi\"", "\"yo\""));
            id = UUID.randomUUID().toString();
            assertThat(api.postWithHeaders("/oai/v1/log", Logs.heliconeOpenAi("{\"Helicone-Request-Id\":\"" + id + "\"}", start, start + 930),
                    java.util.Map.of("Helicone-Omit-Request", "true")).status()).isEqualTo(200);
            cases.add(new Omission(id, true, false, "Say hi", "Hi!"));
            // In meta, as Helicone's async loggers may list them; meta wins over the call's own header.
            id = UUID.randomUUID().toString();
            assertThat(api.postWithHeaders("/custom/v1/log", Logs.heliconeOpenAi("{\"Helicone-Request-Id\":\"" + id
                    + "\",\"Helicone-Omit-Response\":\"true\",\"Helicone-Omit-Request\":\"false\"}", start, start + 930),
                    java.util.Map.of("Helicone-Omit-Request", "true")).status()).isEqualTo(200);
            cases.add(new Omission(id, false, true, "Say hi", "Hi!"));

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == cases.size());
            for (Omission c : cases) {
                JsonNode log = api.get("/v1/request/" + c.requestId()).data();
                assertThat(log.get("request").isNull()).as(c.toString()).isEqualTo(c.requestOmitted());
                assertThat(log.get("response").isNull()).as(c.toString()).isEqualTo(c.responseOmitted());
                assertThat(log.has("response_text")).isFalse();
                // The facts are still read from an omitted body.
                assertThat(log.get("model").asText()).isEqualTo("gpt-4o");
                assertThat(log.get("metadata").get("totalTokens").asLong()).as(c.toString()).isEqualTo(30);

                Receiver.Received got = receiver.received().stream().filter(r -> r.requestId().equals(c.requestId())).findFirst()
                        .orElseThrow();
                JsonNode payload = body(got);
                assertThat(payload.get("request").isNull()).as(c.toString()).isEqualTo(c.requestOmitted());
                assertThat(payload.get("request_body").isNull()).as(c.toString()).isEqualTo(c.requestOmitted());
                assertThat(payload.get("response").isNull()).as(c.toString()).isEqualTo(c.responseOmitted());
                assertThat(payload.get("response_body").isNull()).as(c.toString()).isEqualTo(c.responseOmitted());
                assertThat(got.text().contains(c.requestWords())).as(c.toString()).isEqualTo(!c.requestOmitted());
                assertThat(got.text().contains(c.responseWords())).as(c.toString()).isEqualTo(!c.responseOmitted());
                JsonNode whole = TestJson.parse(api.withKey(null).get(payload.get("request_response_url").asText()
                        .replaceFirst("^https?://[^/]+", "")).body());
                assertThat(whole.get("request").isNull()).as(c.toString()).isEqualTo(c.requestOmitted());
                assertThat(whole.get("response").isNull()).as(c.toString()).isEqualTo(c.responseOmitted());
            }
        }
    }

    @Test
    void aReceiverThatFailsTwiceThenSucceedsGetsThreeAttemptsRecorded() {
        Api api = freshOrg();
        AtomicInteger calls = new AtomicInteger();
        try (Receiver receiver = new Receiver().answering(r -> Receiver.status(calls.incrementAndGet() <= 2 ? 500 : 200))) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3);
            List<Receiver.Received> got = receiver.received();
            assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
            assertThat(got.get(2).receivedAtMillis() - got.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(1500);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode d = api.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items").get(0);
                assertThat(d.get("status").asText()).isEqualTo("delivered");
                assertThat(d.get("attempts_count").asInt()).isEqualTo(3);
                assertThat(d.get("attempts").findValuesAsText("status_code")).containsExactly("500", "500", "200");
            });
        }
    }

    @Test
    void exhaustingTheScheduleFailsTheDeliveryAndRecoverAndRetryQueueItAgain() {
        Api api = freshOrg();
        AtomicInteger calls = new AtomicInteger();
        try (Receiver receiver = new Receiver().answering(r -> Receiver.status(calls.incrementAndGet() <= 4 ? 503 : 200))) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String path = "/v1/webhooks/" + webhookId;
            Instant since = Instant.now().minusSeconds(60);
            log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    api.get(path + "/deliveries?status=failed").data().get("items").size() == 1);
            assertThat(receiver.received()).hasSize(4);
            assertThat(api.get(path + "/deliveries?status=pending").data().get("items")).isEmpty();

            Api.Response recovered = api.post(path + "/recover", "{\"since\":\"" + since + "\"}");
            assertThat(recovered.data().get("count").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get(path + "/deliveries?status=delivered").data().get("items").size() == 1);

            String deliveryId = api.get(path + "/deliveries").data().get("items").get(0).get("id").asText();
            Api.Response retried = api.post(path + "/deliveries/" + deliveryId + "/retry", null);
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.data().get("id").asText()).isEqualTo(deliveryId);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 6);

            assertThat(api.post(path + "/deliveries/msg_00000000000000000000000000000000/retry", null).status()).isEqualTo(404);
            assertThat(api.post(path + "/deliveries/nope/retry", null).status()).isEqualTo(404);
            assertThat(api.post(path + "/recover", "{\"since\":\"yesterday\"}").error())
                    .isEqualTo("since must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z");
            assertThat(api.get(path + "/deliveries?status=bogus").status()).isEqualTo(400);
        }
    }

    @Test
    void gone410DisablesTheWebhookAndEnablingResumesPendingDeliveries() {
        Api api = freshOrg();
        AtomicInteger calls = new AtomicInteger();
        try (Receiver receiver = new Receiver().answering(r -> Receiver.status(calls.incrementAndGet() == 1 ? 410 : 200))) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String path = "/v1/webhooks/" + webhookId;
            log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(10)).until(() -> !api.get(path).data().get("enabled").asBoolean());
            assertThat(api.get(path).data().get("disabled_reason").asText()).isEqualTo("Destination answered 410 Gone");
            assertThat(api.get(path + "/deliveries").data().get("items").get(0).get("status").asText()).isEqualTo("failed");

            log(api, "gpt-4o", "prod"); // disabled: creates no delivery
            assertThat(api.get(path + "/deliveries").data().get("items")).hasSize(1);

            assertThat(api.patch(path, "{\"enabled\":true}").data().get("disabled_reason").isNull()).isTrue();
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
        }
    }

    @Test
    void pendingDeliveriesWaitWhileDisabledAndDeleteCancelsThem() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver().answering(r -> Receiver.status(500))) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String path = "/v1/webhooks/" + webhookId;
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            api.patch(path, "{\"enabled\":false}");
            // A retry already under way when the change landed may still go out (the first retry is due
            // 1 s after the first attempt, and a slow machine can take that long to answer the PATCH);
            // once it has, nothing more is sent while the webhook is disabled.
            await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(() -> true);
            int sent = receiver.received().size();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> receiver.received().size() == sent);
            assertThat(api.get(path + "/deliveries?status=pending").data().get("items")).hasSize(1);

            receiver.answering(r -> Receiver.status(200));
            assertThat(api.patch(path, "{\"enabled\":true}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == sent + 1);

            receiver.answering(r -> Receiver.status(500));
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == sent + 2);
            assertThat(api.delete(path).status()).isEqualTo(200);
            // Cancelled in the background, in batches; nothing is sent meanwhile.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM deliveries WHERE webhook_id = :id AND status = 'cancelled'").bind("id", webhookId)
                    .mapTo(Long.class).one()) == 1);
            int atCancel = receiver.received().size(); // sent + 2, or one more if a retry beat the DELETE
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> receiver.received().size() == atCancel);
        }
    }

    @Test
    void aRotatedKeyYieldsTwoSignaturesBothValid() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            JsonNode before = Webhooks.create(api, receiver.url(), "{}", true);
            JsonNode after = api.post("/v1/webhooks/" + before.get("id").asText() + "/rotate-secret", null).data();
            log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Receiver.Received r = receiver.received().get(0);
            String[] signatures = r.header("webhook-signature").split(" ");
            assertThat(signatures).containsExactly(
                    Webhooks.standardSignature(after.get("signing_secret").asText(), r.header("webhook-id"), r.header("webhook-timestamp"), r.body()),
                    Webhooks.standardSignature(before.get("signing_secret").asText(), r.header("webhook-id"), r.header("webhook-timestamp"), r.body()));
            assertThat(r.header("X-Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(r.body(), after.get("hmac_key").asText()));
        }
    }

    @Test
    void samplingSendsThirtyPercentAndExactlyThePredictedRequests() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            String webhookId = Webhooks.create(api, receiver.url(), "{\"sampleRate\":30}", true).get("id").asText();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ids.add(log(api, "gpt-4o", "prod"));
            }
            Set<String> predicted = new HashSet<>(ids.stream().filter(id -> Matching.sampled(webhookId, id, 30)).toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= predicted.size());
            Set<String> delivered = new HashSet<>(receiver.received().stream().map(r -> body(r).get("request_id").asText()).toList());

            assertThat(delivered.size() / 2000.0).isBetween(0.25, 0.35);
            assertThat(delivered).isEqualTo(predicted);
            // A repeat of an id already logged changes nothing: no new delivery.
            api.post("/v1/request/log", Webhooks.log(ids.get(0), "gpt-4o", "prod"));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> receiver.received().size() == predicted.size());
        }
    }

    @Test
    void aHangingReceiverIsCutAtTheTimeoutWhileAnotherWebhookKeepsReceiving() {
        Api api = freshOrg();
        try (Receiver hanging = new Receiver().answering(r -> new MockResponse.Builder().code(200)
                .headersDelay(40, java.util.concurrent.TimeUnit.SECONDS).build());
             Receiver healthy = new Receiver()) {
            String hangingId = Webhooks.create(api, hanging.url(), "{}", true).get("id").asText();
            Webhooks.create(api, healthy.url(), "{}", true);
            long start = System.currentTimeMillis();
            for (int i = 0; i < 20; i++) {
                log(api, "gpt-4o", "prod");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.received().size() == 20);
            assertThat(System.currentTimeMillis() - start).isLessThan(5000);

            await().atMost(Duration.ofSeconds(25)).untilAsserted(() -> {
                JsonNode attempts = api.get("/v1/webhooks/" + hangingId + "/deliveries?limit=500").data().get("items")
                        .findValues("attempts").stream().filter(a -> !a.isEmpty()).findFirst().orElseThrow(() -> new AssertionError("no attempt yet"));
                assertThat(attempts.get(0).get("status_code").isNull()).isTrue();
                assertThat(attempts.get(0).get("error").asText()).containsIgnoringCase("time");
                assertThat(attempts.get(0).get("latency_ms").asLong()).isBetween(14_000L, 20_000L);
            });
        }
    }

    @Test
    void redirectsAreNotFollowedAndRetryAfterIsHonoured() {
        Api api = freshOrg();
        AtomicInteger calls = new AtomicInteger();
        try (Receiver target = new Receiver();
             Receiver receiver = new Receiver().answering(r -> switch (calls.incrementAndGet()) {
                 case 1 -> new MockResponse.Builder().code(302).addHeader("Location", target.url()).build();
                 case 2 -> new MockResponse.Builder().code(429).addHeader("Retry-After", "3").build();
                 default -> Receiver.status(200);
             })) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            log(api, "gpt-4o", "prod");

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3);
            assertThat(target.received()).as("the redirect was not followed").isEmpty();
            List<Receiver.Received> got = receiver.received();
            // The schedule says ~1 s after the 429; the receiver asked for 3 s.
            assertThat(got.get(2).receivedAtMillis() - got.get(1).receivedAtMillis()).isGreaterThanOrEqualTo(2900);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(api.get("/v1/webhooks/" + webhookId + "/deliveries")
                    .data().get("items").get(0).get("attempts").findValuesAsText("status_code")).containsExactly("302", "429", "200"));
        }
    }

    @Test
    void theTestRouteSendsASampleNow() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            JsonNode webhook = Webhooks.create(api, receiver.url(), "{}", true);
            Api.Response r = api.post("/v1/webhooks/" + webhook.get("id").asText() + "/test", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("success").asBoolean()).isTrue();
            assertThat(r.data().get("status_code").asInt()).isEqualTo(200);
            assertThat(r.data().get("latency_ms").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(receiver.received()).hasSize(1);
            Receiver.Received got = receiver.received().get(0);
            assertThat(got.header("X-Helicone-Signature")).isEqualTo(Webhooks.heliconeSignature(got.body(), webhook.get("hmac_key").asText()));
            assertThat(body(got).get("test").asBoolean()).isTrue();

            receiver.answering(x -> Receiver.status(500));
            Api.Response failed = api.post("/v1/webhooks/" + webhook.get("id").asText() + "/test", null);
            assertThat(failed.data().get("success").asBoolean()).isFalse();
            assertThat(failed.data().get("status_code").asInt()).isEqualTo(500);
        }
    }

    @Test
    void metricsAndStats() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    api.get("/v1/webhooks/" + webhookId + "/stats").data().get("last_hour").get("successes").asInt() == 1);
            JsonNode stats = api.get("/v1/webhooks/" + webhookId + "/stats").data();
            assertThat(stats.get("last_day").get("attempts").asInt()).isEqualTo(1);
            assertThat(stats.get("last_hour").get("p50_latency_ms").isNumber()).isTrue();

            Api.Response metrics = api.withKey(null).get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("heliograph_logs_ingested_total").contains("heliograph_delivery_attempts_total")
                    .contains("heliograph_delivery_attempt_seconds_bucket").contains("heliograph_deliveries_pending")
                    .contains("heliograph_deliveries_oldest_pending_age_seconds")
                    .containsPattern("(?m)^heliograph_delivery_first_attempt_wait_seconds_count\\{[^}]*path=\"handoff\"[^}]*} [1-9]")
                    .contains("heliograph_deliveries_in_flight").contains("heliograph_deliveries_waiting_in_memory")
                    .contains("heliograph_webhooks_probing")
                    .contains("jvm_memory_used_bytes{area=\"heap\"").contains("process_cpu_usage")
                    .doesNotContain(webhookId).doesNotContain("127.0.0.1");
        }
    }

    @Test
    void statsCountAndRankExactlyFromTheStoresAggregates() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            long now = System.currentTimeMillis();
            // 100 attempts with latencies 1..100 ms (every tenth a 500), half within the hour, plus old ones outside the day.
            server.heliograph().database().jdbi().useTransaction(h -> {
                String org = h.createQuery("SELECT org_id FROM webhooks WHERE id = :id").bind("id", webhookId).mapTo(String.class).one();
                var batch = h.prepareBatch("""
                        INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, attempted_at, status_code, latency_ms)
                        VALUES (:d, 1, :org, :webhook, :at, :code, :latency)""");
                for (int i = 1; i <= 100; i++) {
                    long at = i % 2 == 0 ? now - 60_000 : now - 3 * 3600_000L;
                    batch.bind("d", "msg_stats" + i).bind("org", org).bind("webhook", webhookId).bind("at", at)
                            .bind("code", i % 10 == 0 ? 500 : 200).bind("latency", i).add();
                }
                batch.bind("d", "msg_stats_old").bind("org", org).bind("webhook", webhookId).bind("at", now - 2 * 86_400_000L)
                        .bind("code", 200).bind("latency", 99_999).add();
                batch.execute();
            });
            JsonNode stats = api.get("/v1/webhooks/" + webhookId + "/stats").data();
            JsonNode day = stats.get("last_day");
            assertThat(day.get("attempts").asInt()).isEqualTo(100);
            assertThat(day.get("successes").asInt()).isEqualTo(90);
            assertThat(day.get("failures").asInt()).isEqualTo(10);
            assertThat(day.get("p50_latency_ms").asInt()).isEqualTo(50);
            assertThat(day.get("p99_latency_ms").asInt()).isEqualTo(99);
            JsonNode hour = stats.get("last_hour");
            assertThat(hour.get("attempts").asInt()).isEqualTo(50); // the even latencies
            assertThat(hour.get("successes").asInt()).isEqualTo(40);
            assertThat(hour.get("p50_latency_ms").asInt()).isEqualTo(50);
            assertThat(hour.get("p99_latency_ms").asInt()).isEqualTo(100);
        }
    }

    @Test
    void everyKeyRotatedWithinADayKeepsSigningUpToFive() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            JsonNode created = Webhooks.create(api, receiver.url(), "{}", true);
            String path = "/v1/webhooks/" + created.get("id").asText();
            List<String> secrets = new ArrayList<>(List.of(created.get("signing_secret").asText()));
            for (int i = 0; i < 2; i++) {
                secrets.add(0, api.post(path + "/rotate-secret", null).data().get("signing_secret").asText());
            }
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Receiver.Received r = receiver.received().get(0);
            List<String> expected = secrets.stream().map(secret -> Webhooks.standardSignature(secret, r.header("webhook-id"),
                    r.header("webhook-timestamp"), r.body())).toList();
            assertThat(r.header("webhook-signature").split(" ")).as("two rotations: the current key and both replaced ones")
                    .containsExactlyElementsOf(expected);

            for (int i = 0; i < 4; i++) {
                secrets.add(0, api.post(path + "/rotate-secret", null).data().get("signing_secret").asText());
            }
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            Receiver.Received six = receiver.received().get(1);
            List<String> newestFive = secrets.subList(0, 5).stream().map(secret -> Webhooks.standardSignature(secret,
                    six.header("webhook-id"), six.header("webhook-timestamp"), six.body())).toList();
            assertThat(six.header("webhook-signature").split(" ")).as("six rotations: the five newest keys")
                    .containsExactlyElementsOf(newestFive);
        }
    }

    @Test
    void enablingAWebhookAgainOrPointingItElsewhereStartsItsFailingClockAfresh() {
        Api first = freshOrg();
        try (Receiver receiver = new Receiver().answering(r -> Receiver.status(500)); Receiver other = new Receiver()) {
            String webhookId = Webhooks.create(first, receiver.url(), "{}", true).get("id").asText();
            String path = "/v1/webhooks/" + webhookId;
            log(first, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> failingSince(webhookId) != null);
            // It has been failing for six days (a restart stands for the days that passed): the next failure disables it.
            setFailingSince(webhookId, System.currentTimeMillis() - Duration.ofDays(6).toMillis());
            server.restart();
            Api api = new Api(server.baseUrl(), first.apiKey());
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> !api.get(path).data().get("enabled").asBoolean());
            assertThat(api.get(path).data().get("disabled_reason").asText()).isEqualTo("No successful delivery for 5 days");

            // Its owner enables it again: a failure now starts a new five days instead of disabling it at once.
            assertThat(api.patch(path, "{\"enabled\":true}").status()).isEqualTo(200);
            int before = receiver.received().size();
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() > before);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> api.get(path).data().get("enabled").asBoolean());
            assertThat(failingSince(webhookId)).isGreaterThan(System.currentTimeMillis() - 60_000);

            // The same for a new destination: the old one's failures are not the new one's.
            setFailingSince(webhookId, System.currentTimeMillis() - Duration.ofDays(6).toMillis());
            assertThat(api.patch(path, "{\"destination\":\"" + other.url() + "\"}").status()).isEqualTo(200);
            assertThat(failingSince(webhookId)).isNull();
        }
    }

    private static Long failingSince(String webhookId) {
        return server.heliograph().database().jdbi().withHandle(h -> h.createQuery("SELECT failing_since FROM webhooks WHERE id = :id")
                .bind("id", webhookId).mapTo(Long.class).findOne().orElse(null));
    }

    private static void setFailingSince(String webhookId, long at) {
        server.heliograph().database().jdbi().useHandle(h -> h.createUpdate("UPDATE webhooks SET failing_since = :at WHERE id = :id")
                .bind("at", at).bind("id", webhookId).execute());
    }

    @Test
    void aHostTheHttpClientCannotUseIsRefusedAtCreationAndAStoredOneFailsEachAttemptWithItsReason() {
        Api api = freshOrg();
        for (String bad : List.of("https://a_b.example.com/hook", "https://-a.example.com/", "https://a-.example.com/",
                "https://example.1com/")) {
            Api.Response r = api.post("/v1/webhooks", "{\"destination\":\"" + bad + "\",\"config\":{}}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.error()).as(bad).isEqualTo("Invalid destination URL");
        }
        try (Receiver receiver = new Receiver()) {
            // A webhook stored before that rule existed.
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            server.heliograph().database().jdbi().useHandle(h -> h.createUpdate("UPDATE webhooks SET destination = :d WHERE id = :id")
                    .bind("d", "http://a_b.example.com/hook").bind("id", webhookId).execute());
            server.restart(); // forget any copy of the webhook read before the change
            Api restarted = new Api(server.baseUrl(), api.apiKey());

            Api.Response test = restarted.post("/v1/webhooks/" + webhookId + "/test", null);
            assertThat(test.status()).isEqualTo(200);
            assertThat(test.data().get("success").asBoolean()).isFalse();
            assertThat(test.data().get("message").asText()).isNotBlank();

            log(restarted, "gpt-4o", "prod");
            // Every attempt is recorded with its reason and the schedule runs to its end: nothing waits for ever.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode items = restarted.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items");
                return items.size() == 1 && items.get(0).get("status").asText().equals("failed");
            });
            JsonNode delivery = restarted.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items").get(0);
            assertThat(delivery.get("attempts_count").asInt()).isEqualTo(4);
            for (JsonNode attempt : delivery.get("attempts")) {
                assertThat(attempt.get("error").asText()).isNotBlank();
                assertThat(attempt.get("status_code").isNull()).isTrue();
            }
        }
    }

    @Test
    void anInternationalisedHostIsAcceptedAndSentInPunycode() {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver()) {
            String port = receiver.url().replaceAll(".*:(\\d+)/.*", "$1");
            JsonNode webhook = Webhooks.create(api, "http://bücher.heliograph-test.example:" + port + "/hook", "{}", true);
            assertThat(webhook.get("destination").asText()).isEqualTo("http://bücher.heliograph-test.example:" + port + "/hook");
            log(api, "gpt-4o", "prod");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            assertThat(receiver.received().get(0).header("host")).isEqualTo("xn--bcher-kva.heliograph-test.example:" + port);
        }
    }
}
