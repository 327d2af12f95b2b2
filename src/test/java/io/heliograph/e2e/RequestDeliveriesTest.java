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
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /v1/request/{id}/deliveries}: the webhooks a log triggered and how each delivery went, on each store. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class RequestDeliveriesTest {
    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.builder(store).loopbackReceivers().retrySchedule("1s,1s").start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void aLogsDeliveriesAreListedWithTheirWebhookStatusAndAttempts() {
        Api api = server.apiForNewKey("org-" + UUID.randomUUID());
        try (Receiver ok = new Receiver(); Receiver failing = new Receiver().answering(r -> Receiver.status(500))) {
            String okId = Webhooks.create(api, ok.url(), "{}", true).get("id").asText();
            String failingId = Webhooks.create(api, failing.url(), "{}", true).get("id").asText();
            Webhooks.create(api, ok.url(), "{\"propertyFilters\":[{\"key\":\"environment\",\"value\":\"staging\"}]}", true);
            String id = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod")).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode items = api.get("/v1/request/" + id + "/deliveries").data().get("items");
                return items.size() == 2 && statusOf(items, okId).equals("delivered") && statusOf(items, failingId).equals("failed");
            });
            JsonNode items = api.get("/v1/request/" + id.toUpperCase() + "/deliveries").data().get("items");
            assertThat(items).as("the third webhook's filter did not match").hasSize(2);
            for (JsonNode d : items) {
                assertThat(d.get("request_id").asText()).isEqualTo(id);
                assertThat(d.get("id").asText()).startsWith("msg_");
                String webhook = d.get("webhook_id").asText();
                assertThat(d.get("attempts")).hasSize(webhook.equals(okId) ? 1 : 3);
                assertThat(d.get("attempts").get(0).get("status_code").asInt()).isEqualTo(webhook.equals(okId) ? 200 : 500);
            }
            // The same ids, seen from a webhook's own delivery list.
            JsonNode fromWebhook = api.get("/v1/webhooks/" + okId + "/deliveries").data().get("items").get(0);
            JsonNode fromLog = items.get(0).get("webhook_id").asText().equals(okId) ? items.get(0) : items.get(1);
            assertThat(fromLog.get("id").asText()).isEqualTo(fromWebhook.get("id").asText());
        }
    }

    @Test
    void aLogWithoutMatchingWebhooksHasNoneAndOtherOrganizationsLogsAreNotFound() {
        Api a = server.apiForNewKey("org-" + UUID.randomUUID());
        Api b = server.apiForNewKey("org-" + UUID.randomUUID());
        String id = UUID.randomUUID().toString();
        assertThat(a.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod")).status()).isEqualTo(200);
        assertThat(a.get("/v1/request/" + id + "/deliveries").data().get("items")).isEmpty();
        for (String path : new String[] {"/v1/request/" + id + "/deliveries", "/v1/request/" + UUID.randomUUID() + "/deliveries",
                "/v1/request/not-a-uuid/deliveries"}) {
            Api.Response r = b.get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo("{\"data\":null,\"error\":\"Request not found\"}");
        }
        String ingestKey = a.post("/v1/keys", "{\"scope\":\"ingest\"}").data().get("key").asText();
        assertThat(a.withKey(ingestKey).get("/v1/request/" + id + "/deliveries").status()).as("a read: not for ingest keys").isEqualTo(403);
    }

    private static String statusOf(JsonNode items, String webhookId) {
        for (JsonNode d : items) {
            if (d.get("webhook_id").asText().equals(webhookId)) {
                return d.get("status").asText();
            }
        }
        return "";
    }
}
