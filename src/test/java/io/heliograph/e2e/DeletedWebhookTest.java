package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.delivery.Delivery;
import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StatementCounts;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Work over many rows — cancelling a deleted webhook's backlog, recovering failed deliveries — runs in
 * bounded batches, so no statement holds the embedded store's writer for long; and a deleted
 * webhook's deliveries are never sent, not even while its backlog is still being cancelled.
 */
class DeletedWebhookTest {
    private static final int BACKLOG = 2_000;

    /** {@code count} deliveries of the webhook for one real log, straight into the store, in {@code status}. */
    private static void backlog(TestServer server, String webhookId, String requestId, int count, String status) {
        long now = System.currentTimeMillis();
        server.heliograph().database().jdbi().useTransaction(h -> {
            String org = orgOf(h, webhookId);
            var batch = h.prepareBatch("""
                    INSERT INTO deliveries (id, org_id, webhook_id, request_id, status, attempts_count, next_attempt_at,
                        created_at, updated_at)
                    VALUES (:id, :org, :webhook, :request, :status, 0, :now, :now, :now)""");
            for (int i = 0; i < count; i++) {
                batch.bind("id", Delivery.newId(now)).bind("org", org).bind("webhook", webhookId).bind("request", requestId)
                        .bind("status", status).bind("now", now).add();
            }
            batch.execute();
        });
    }

    private static String orgOf(Handle h, String webhookId) {
        return h.createQuery("SELECT org_id FROM webhooks WHERE id = :id").bind("id", webhookId).mapTo(String.class).one();
    }

    private static long count(TestServer server, String webhookId, String status) {
        return server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM deliveries WHERE webhook_id = :id AND status = :status")
                .bind("id", webhookId).bind("status", status).mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aDeletedWebhooksBacklogIsCancelledInBatchesAndNothingOfItIsSentMeanwhile(StoreKind kind) throws Exception {
        try (TestServer server = TestServer.builder(kind).loopbackReceivers().retrySchedule("1s,1s,1s,1s,1s").start();
                Receiver receiver = new Receiver().answering(
                        r -> new MockResponse.Builder().code(500).headersDelay(100, TimeUnit.MILLISECONDS).build())) {
            Api api = server.apiForNewKey("deleting-" + UUID.randomUUID());
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String requestId = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(requestId, "gpt-4o", "prod")).status()).isEqualTo(200);
            backlog(server, webhookId, requestId, BACKLOG, "pending");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() >= 50); // it is busy sending
            StatementCounts cancels = StatementCounts.watch(server.heliograph().database(), "SET status = 'cancelled'");

            assertThat(api.delete("/v1/webhooks/" + webhookId).status()).isEqualTo(200);
            long deletedAt = System.currentTimeMillis();

            await().atMost(Duration.ofSeconds(30)).until(() -> count(server, webhookId, "pending") == 0);
            Thread.sleep(1_500); // retries would have come due by now
            // An attempt that read the webhook just before the delete committed may still reach the receiver a
            // moment after; nothing may start later than that.
            long late = receiver.received().stream().filter(r -> r.receivedAtMillis() > deletedAt + 250).count();
            assertThat(late).as("deliveries sent after the webhook was deleted").isZero();
            assertThat(count(server, webhookId, "cancelled")).isGreaterThanOrEqualTo(BACKLOG - 100);
            assertThat(cancels.counts()).as("rows per cancelling statement").allMatch(n -> n <= 500);
            assertThat(cancels.counts().size()).isGreaterThanOrEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void recoverQueuesEveryFailedDeliveryAgainInBatches(StoreKind kind) throws Exception {
        try (TestServer server = TestServer.builder(kind).loopbackReceivers().start(); Receiver receiver = new Receiver()) {
            Api api = server.apiForNewKey("recovering-" + UUID.randomUUID());
            String webhookId = Webhooks.create(api, receiver.url(), "{}", true).get("id").asText();
            String requestId = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(requestId, "gpt-4o", "prod")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            backlog(server, webhookId, requestId, 1_200, "failed");
            StatementCounts recovers = StatementCounts.watch(server.heliograph().database(), "SET status = 'pending'");

            Api.Response r = api.post("/v1/webhooks/" + webhookId + "/recover", "{\"since\":\"2000-01-01T00:00:00.000Z\"}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("count").asInt()).isEqualTo(1_200);
            assertThat(recovers.counts()).as("rows per recovering statement").allMatch(n -> n <= 500);
            assertThat(recovers.counts()).hasSizeGreaterThanOrEqualTo(3);
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 1_201);
        }
    }
}
