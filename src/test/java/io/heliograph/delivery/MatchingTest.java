package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.webhook.PropertyFilter;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MatchingTest {
    private static final String WEBHOOK_ID = "7f0e9a52-6b1c-4c8e-9d0a-3c2b1a0f9e8d";

    private static Webhook webhook(double rate, PropertyFilter... filters) {
        return Webhook.builder()
                .orgId("org")
                .id(WEBHOOK_ID)
                .destination("https://hooks.example.com")
                .config(new WebhookConfig(rate, List.of(filters), true))
                .hmacKey("k".repeat(64))
                .build();
    }

    private static RequestLog log(String id, String model, String userId, String provider, Map<String, String> properties) {
        return RequestLog.builder()
                .orgId("org")
                .id(id)
                .provider(provider)
                .model(model)
                .userId(userId)
                .status(200)
                .startedAt(0)
                .endedAt(1)
                .properties(properties)
                .requestBody("{}")
                .responseBody("{}")
                .usage(Usage.NONE)
                .outcome(io.heliograph.ingest.Outcome.COMPLETED)
                .build();
    }

    private static RequestLog log(Map<String, String> properties) {
        return log(UUID.randomUUID().toString(), "gpt-4", "user_123", "OPENAI", properties);
    }

    @Test
    void noFiltersMatchEverything() {
        assertThat(Matching.filtersMatch(webhook(100), log(Map.of()))).isTrue();
    }

    @Test
    void propertiesMatchByLowerCaseKeyAndExactValue() {
        RequestLog prod = log(Map.of("environment", "prod"));
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("environment", "prod")), prod)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("Environment", "prod")), prod)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("environment", "Prod")), prod)).isFalse();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("environment", "prod ")), prod)).isFalse();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("missing", "prod")), prod)).isFalse();
    }

    @Test
    void allFiltersMustMatch() {
        RequestLog log = log(Map.of("environment", "prod", "team", "search"));
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("environment", "prod"),
                new PropertyFilter("team", "search")), log)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("environment", "prod"),
                new PropertyFilter("team", "ads")), log)).isFalse();
    }

    @Test
    void builtInFieldsAreLookedUpAfterProperties() {
        RequestLog log = log(Map.of());
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("model", "gpt-4")), log)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("model", "GPT-4")), log)).isFalse();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("user_id", "user_123")), log)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("provider", "openai")), log)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("provider", "ANTHROPIC")), log)).isFalse();
        // A property named like a built-in wins over it.
        RequestLog shadowed = log(Map.of("model", "custom"));
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("model", "custom")), shadowed)).isTrue();
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("model", "gpt-4")), shadowed)).isFalse();
        // Absent built-ins never match.
        RequestLog anonymous = log(UUID.randomUUID().toString(), null, null, "CUSTOM", Map.of());
        assertThat(Matching.filtersMatch(webhook(100, new PropertyFilter("user_id", "")), anonymous)).isFalse();
    }

    @Test
    void samplingIsDeterministicAndProportional() {
        List<String> ids = IntStream.range(0, 20_000).mapToObj(i -> UUID.nameUUIDFromBytes(("r" + i).getBytes()).toString()).toList();
        long sent = ids.stream().filter(id -> Matching.sampled(WEBHOOK_ID, id, 30)).count();
        assertThat(sent / 20_000.0).isBetween(0.29, 0.31);
        assertThat(ids.stream().filter(id -> Matching.sampled(WEBHOOK_ID, id, 30)).count()).isEqualTo(sent);
        assertThat(ids.stream().allMatch(id -> Matching.sampled(WEBHOOK_ID, id, 100))).isTrue();
        assertThat(ids.stream().noneMatch(id -> Matching.sampled(WEBHOOK_ID, id, 0))).isTrue();
        long fractional = ids.stream().filter(id -> Matching.sampled(WEBHOOK_ID, id, 0.5)).count();
        assertThat(fractional).isBetween(60L, 140L);
        // A higher rate sends a superset: raising the rate never drops a request that was sent.
        assertThat(ids.stream().filter(id -> Matching.sampled(WEBHOOK_ID, id, 30)).allMatch(id -> Matching.sampled(WEBHOOK_ID, id, 31)))
                .isTrue();
        // Another webhook samples independently.
        long both = ids.stream().filter(id -> Matching.sampled(WEBHOOK_ID, id, 30)
                && Matching.sampled("11111111-2222-3333-4444-555555555555", id, 30)).count();
        assertThat(both / 20_000.0).isBetween(0.07, 0.11);
    }

    @Test
    void aDisabledWebhookMatchesNothing() {
        Webhook w = webhook(100);
        Webhook disabled = w.withEnabled(false);
        assertThat(Matching.matches(w, log(Map.of()))).isTrue();
        assertThat(Matching.matches(disabled, log(Map.of()))).isFalse();
    }
}
