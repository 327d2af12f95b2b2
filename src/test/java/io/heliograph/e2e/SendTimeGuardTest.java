package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.FakeResolver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import io.heliograph.webhook.WebhookStore;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The destination guard again at send time: a name that did not resolve when the webhook was made,
 * and now resolves to a private address, is refused before any connection is opened. Also the
 * five-day auto-disable rule, on each store.
 */
class SendTimeGuardTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aNameThatNowResolvesPrivateIsRefusedAtSendTime(StoreKind store) {
        FakeResolver resolver = FakeResolver.standard();
        try (TestServer server = TestServer.builder(store).resolver(resolver).retrySchedule("").start()) {
            Api api = server.api();
            JsonNode webhook = Webhooks.create(api, "https://late.attacker.test/hook", "{}", true);
            // DNS rebinding: the name now points inside.
            resolver.with("late.attacker.test", "10.0.0.5");
            api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode d = api.get("/v1/webhooks/" + webhook.get("id").asText() + "/deliveries").data().get("items").get(0);
                assertThat(d.get("status").asText()).isEqualTo("failed");
                JsonNode attempt = d.get("attempts").get(0);
                assertThat(attempt.get("status_code").isNull()).isTrue();
                assertThat(attempt.get("error").asText()).isEqualTo("Destination cannot point to private or internal networks");
                assertThat(attempt.get("latency_ms").asLong()).isZero();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aWebhookFailingForFiveDaysWithoutSuccessIsDisabled(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            String id = Webhooks.create(server.api(), "https://hooks.example.com/x", "{}", true).get("id").asText();
            String org = server.heliograph().database().jdbi().withHandle(h ->
                    h.createQuery("SELECT org_id FROM webhooks WHERE id = :id").bind("id", id).mapTo(String.class).one());
            long day = Duration.ofDays(1).toMillis();
            long start = System.currentTimeMillis();
            var jdbi = server.heliograph().database().jdbi();

            jdbi.useHandle(h -> WebhookStore.markFailing(h, org, id, start, 5 * day, "No successful delivery for 5 days"));
            jdbi.useHandle(h -> WebhookStore.markFailing(h, org, id, start + 4 * day, 5 * day, "No successful delivery for 5 days"));
            assertThat(server.api().get("/v1/webhooks/" + id).data().get("enabled").asBoolean()).isTrue();
            // A success in between starts the count again.
            jdbi.useHandle(h -> WebhookStore.markHealthy(h, org, id));
            jdbi.useHandle(h -> WebhookStore.markFailing(h, org, id, start + 6 * day, 5 * day, "No successful delivery for 5 days"));
            assertThat(server.api().get("/v1/webhooks/" + id).data().get("enabled").asBoolean()).isTrue();

            jdbi.useHandle(h -> WebhookStore.markFailing(h, org, id, start + 11 * day, 5 * day, "No successful delivery for 5 days"));
            JsonNode disabled = server.api().get("/v1/webhooks/" + id).data();
            assertThat(disabled.get("enabled").asBoolean()).isFalse();
            assertThat(disabled.get("disabled_reason").asText()).isEqualTo("No successful delivery for 5 days");
        }
    }
}
