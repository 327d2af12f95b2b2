package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dispatcher's two ways in, on each store: a new delivery handed over from the outbox in memory,
 * and — when the webhook's lane is full — left in the store and claimed later. With a concurrency of
 * 2 a lane holds 6, so a burst of 30 logs sends most of its deliveries through the store.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class DispatchPathsTest {
    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.builder(store).loopbackReceivers().retrySchedule("1s,1s").webhookConcurrency(2)
                .inlineBodyLimit(256 * 1024).start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Api freshOrg() {
        return server.apiForNewKey("org-" + UUID.randomUUID());
    }

    private static List<String> burst(Api api, int count) throws InterruptedException {
        return burst(api, count, 0);
    }

    /** {@code count} logs at once; every other one carries a prompt of {@code bigChars} characters when that is above 0. */
    private static List<String> burst(Api api, int count, int bigChars) throws InterruptedException {
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean big = bigChars > 0 && i % 2 == 0;
            threads.add(Thread.ofVirtual().start(() -> {
                String id = UUID.randomUUID().toString();
                String body = Webhooks.log(id, "gpt-4o", "prod");
                if (big) {
                    body = body.replace("\"content\":\"hi\"", "\"content\":\"" + "b".repeat(bigChars) + "\"");
                }
                Api.Response r = api.post("/v1/request/log", body);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                ids.add(id);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return ids;
    }

    @Test
    void aBurstBeyondTheLaneIsClaimedFromTheStoreAndEachLogArrivesOnce() throws InterruptedException {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver().answering(
                r -> new MockResponse.Builder().code(200).headersDelay(50, TimeUnit.MILLISECONDS).build())) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            List<String> ids = burst(api, 30);

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 30);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> receiver.received().size() == 30);
            assertThat(receiver.received().stream().map(Receiver.Received::requestId).toList()).containsExactlyInAnyOrderElementsOf(ids);
            JsonNode page = api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=100").data();
            assertThat(page.get("items")).hasSize(30);
            for (JsonNode d : page.get("items")) {
                assertThat(d.get("status").asText()).isEqualTo("delivered");
                assertThat(d.get("attempts")).hasSize(1);
            }
            // Most of them went through the store: the lane holds 6, the burst is 30.
            long leftover = server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                            "SELECT COUNT(*) FROM deliveries WHERE webhook_id = :id AND (leased_by IS NOT NULL OR status <> 'delivered')")
                    .bind("id", webhookId).mapTo(Long.class).one());
            assertThat(leftover).as("every lease given back once recorded").isZero();
        }
    }

    @Test
    void largeLogsClaimedFromTheStoreAreReadOneByOneAndArriveWhole() throws InterruptedException {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver().answering(
                r -> new MockResponse.Builder().code(200).headersDelay(30, TimeUnit.MILLISECONDS).build())) {
            Webhooks.create(api, receiver.url(), "{}", true);
            List<String> ids = burst(api, 16, 70_000); // 8 above the 64 Ki chars read with a claimed batch

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 16);
            assertThat(receiver.received().stream().map(Receiver.Received::requestId).toList()).containsExactlyInAnyOrderElementsOf(ids);
            long whole = receiver.received().stream().filter(r -> r.text().contains("b".repeat(70_000))).count();
            assertThat(whole).as("large prompts delivered whole").isEqualTo(8);
        }
    }

    @Test
    void deliveriesWaitingInTheLaneAreNotSentOnceTheWebhookIsDisabled() throws InterruptedException {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver().answering(
                r -> new MockResponse.Builder().code(200).headersDelay(1500, TimeUnit.MILLISECONDS).build())) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String path = "/v1/webhooks/" + webhookId;
            burst(api, 4); // two sending (slowly), two waiting in the lane
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
            assertThat(api.patch(path, "{\"enabled\":false}").status()).isEqualTo(200);

            // The two waiting read the webhook again when their turn comes, find it disabled and wait in the store.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
            assertThat(api.get(path + "/deliveries?status=pending").data().get("items")).hasSize(2);

            receiver.answering(r -> Receiver.status(200));
            assertThat(api.patch(path, "{\"enabled\":true}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 4);
        }
    }

    @Test
    void aKeyRotatedWhileADeliveryWaitsInTheLaneSignsItWithTheNewKey() throws InterruptedException {
        Api api = freshOrg();
        try (Receiver receiver = new Receiver().answering(
                r -> new MockResponse.Builder().code(200).headersDelay(1000, TimeUnit.MILLISECONDS).build())) {
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            burst(api, 3); // two sending, one waiting
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
            JsonNode rotated = api.post("/v1/webhooks/" + webhookId + "/rotate-secret", null).data();

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            Receiver.Received last = receiver.received().get(2);
            assertThat(last.header("X-Helicone-Signature"))
                    .isEqualTo(Webhooks.heliconeSignature(last.body(), rotated.get("hmac_key").asText()));
        }
    }
}
