package io.heliograph.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.support.TestJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A webhook as the API shows it: Helicone's field names, in order, plus the signing secret. */
class WebhookJsonTest {
    private static final long CREATED = Instant.parse("2026-01-15T10:30:00.123Z").toEpochMilli();

    private static Webhook webhook(WebhookConfig config) {
        return Webhook.builder().orgId("org").id("0194b4f2-1e2d-7c3a-9f00-000000000001").createdAt(CREATED).destination("https://hooks.example.com/x").config(config).hmacKey("abc").build();
    }

    @Test
    void everyFieldInOrder() {
        Webhook w = webhook(new WebhookConfig(100, List.of(new PropertyFilter("env", "prod")), true));
        assertThat(WebhookJson.of(w).toString()).isEqualTo("""
                {"id":"0194b4f2-1e2d-7c3a-9f00-000000000001","created_at":"2026-01-15T10:30:00.123Z",\
                "destination":"https://hooks.example.com/x","version":"2024-10-22","enabled":true,"disabled_reason":null,\
                "config":{"sampleRate":100,"propertyFilters":[{"key":"env","value":"prod"}],"includeData":true,"filter":null},\
                "includeData":true,"hmac_key":"abc","signing_secret":"whsec_YWJj"}""");
    }

    @Test
    void wholeRatesPrintAsIntegersAndOthersAsSent() {
        assertThat(WebhookJson.of(webhook(new WebhookConfig(0, List.of(), true))).get("config").get("sampleRate").toString())
                .isEqualTo("0");
        assertThat(WebhookJson.of(webhook(new WebhookConfig(12.5, List.of(), true))).get("config").get("sampleRate").toString())
                .isEqualTo("12.5");
        assertThat(WebhookJson.of(webhook(new WebhookConfig(0.001, List.of(), true))).get("config").get("sampleRate").toString())
                .isEqualTo("0.001");
    }

    @Test
    void includeDataShowsInBothPlaces() {
        var node = WebhookJson.of(webhook(new WebhookConfig(100, List.of(), false)));
        assertThat(node.get("includeData").booleanValue()).isFalse();
        assertThat(node.get("config").get("includeData").booleanValue()).isFalse();
    }

    @Test
    void aDisabledWebhookShowsWhy() {
        Webhook disabled = new Webhook("org", "id", CREATED, "https://hooks.example.com/x", Webhook.VERSION, false,
                "Destination answered 410 Gone", new WebhookConfig(100, List.of(), true), "abc", List.of());
        var node = WebhookJson.of(disabled);
        assertThat(node.get("enabled").booleanValue()).isFalse();
        assertThat(node.get("disabled_reason").textValue()).isEqualTo("Destination answered 410 Gone");
    }

    @Test
    void previousKeysAreNeverShown() {
        Webhook rotated = webhook(new WebhookConfig(100, List.of(), true)).rotated("def", CREATED, java.time.Duration.ofHours(24));
        String json = WebhookJson.of(rotated).toString();
        assertThat(json).contains("\"hmac_key\":\"def\"").doesNotContain("abc").doesNotContain("previous");
    }

    @Test
    void aListKeepsItsOrder() {
        Webhook a = webhook(new WebhookConfig(100, List.of(), true));
        Webhook b = Webhook.builder().orgId("org").id("second").createdAt(CREATED).destination("https://other.example.com/y").config(new WebhookConfig(1, List.of(), true)).hmacKey("k").build();
        var array = WebhookJson.of(List.of(b, a));
        assertThat(array).hasSize(2);
        assertThat(array.get(0)).isEqualTo(WebhookJson.of(b));
        assertThat(array.get(1)).isEqualTo(WebhookJson.of(a));
        assertThat(WebhookJson.of(List.of())).isEqualTo(TestJson.parse("[]"));
    }
}
