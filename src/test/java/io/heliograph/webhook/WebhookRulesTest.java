package io.heliograph.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.webhook.Webhook.PreviousKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The webhook value: its signing keys across rotations, and what enabling and disabling do. */
class WebhookRulesTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final WebhookConfig CONFIG = new WebhookConfig(100, List.of(), true);

    private static Webhook webhook(String key) {
        return Webhook.builder().orgId("org").id("id").createdAt(0).destination("https://hooks.example.com/x").config(CONFIG).hmacKey(key).build();
    }

    @Test
    void aNewWebhookIsEnabledWithNoReasonAndOneKey() {
        Webhook w = webhook("k0");
        assertThat(w.enabled()).isTrue();
        assertThat(w.disabledReason()).isNull();
        assertThat(w.version()).isEqualTo("2024-10-22");
        assertThat(w.previousKeys()).isEmpty();
        assertThat(w.signingKeys(0)).containsExactly("k0");
    }

    @Test
    void theSigningSecretIsTheStandardWebhooksFormOfTheKey() {
        String key = "00ff".repeat(16);
        assertThat(webhook(key).signingSecret())
                .isEqualTo("whsec_" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("whsec_MDBmZjAwZmYwMGZmMDBmZjAwZmYwMGZmMDBmZjAwZmYwMGZmMDBmZjAwZmYwMGZmMDBmZjAwZmYwMGZmMDBmZg==");
    }

    @Test
    void aRotatedKeyKeepsSigningUntilItsOverlapEnds() {
        Webhook w = webhook("k0").rotated("k1", 1_000, DAY);
        assertThat(w.hmacKey()).isEqualTo("k1");
        assertThat(w.previousKeys()).containsExactly(new PreviousKey("k0", 1_000 + DAY.toMillis()));
        assertThat(w.signingKeys(1_000 + DAY.toMillis() - 1)).containsExactly("k1", "k0");
        assertThat(w.signingKeys(1_000 + DAY.toMillis())).containsExactly("k1");
    }

    @Test
    void atMostFiveKeysSignNewestFirst() {
        Webhook w = webhook("k0");
        for (int i = 1; i <= 7; i++) {
            w = w.rotated("k" + i, i, DAY);
        }
        assertThat(w.previousKeys()).extracting(PreviousKey::key).containsExactly("k6", "k5", "k4", "k3");
        assertThat(w.signingKeys(8)).containsExactly("k7", "k6", "k5", "k4", "k3");
    }

    @Test
    void aRotationDropsKeysAlreadyExpired() {
        Webhook w = webhook("k0").rotated("k1", 0, Duration.ofMillis(10)).rotated("k2", 100, DAY);
        assertThat(w.previousKeys()).containsExactly(new PreviousKey("k1", 100 + DAY.toMillis()));
    }

    @Test
    void signingKeysSkipExpiredOnesButStillStopAtFive() {
        List<PreviousKey> previous = new ArrayList<>();
        previous.add(new PreviousKey("expired", 5));
        for (int i = 1; i <= 6; i++) {
            previous.add(new PreviousKey("p" + i, 100));
        }
        Webhook w = new Webhook("org", "id", 0, "https://hooks.example.com/x", Webhook.VERSION, true, null, CONFIG, "now", previous);
        assertThat(w.signingKeys(50)).containsExactly("now", "p1", "p2", "p3", "p4");
        assertThat(w.signingKeys(100)).containsExactly("now");
    }

    @Test
    void enablingClearsTheReasonHeliographGave() {
        Webhook disabled = new Webhook("org", "id", 0, "https://hooks.example.com/x", Webhook.VERSION, false, "410 Gone", CONFIG,
                "k", List.of());
        assertThat(disabled.withEnabled(true).enabled()).isTrue();
        assertThat(disabled.withEnabled(true).disabledReason()).isNull();
        assertThat(disabled.withEnabled(false).disabledReason()).isEqualTo("410 Gone");
        assertThat(webhook("k").withEnabled(false).disabledReason()).isNull();
    }

    @Test
    void withersChangeOnlyTheirField() {
        Webhook w = webhook("k").rotated("k2", 0, DAY);
        WebhookConfig other = new WebhookConfig(5, List.of(new PropertyFilter("a", "b")), false);
        assertThat(w.withDestination("https://other.example.com/y"))
                .isEqualTo(new Webhook("org", "id", 0, "https://other.example.com/y", Webhook.VERSION, true, null, CONFIG, "k2",
                        w.previousKeys()));
        assertThat(w.withConfig(other)).isEqualTo(new Webhook("org", "id", 0, "https://hooks.example.com/x", Webhook.VERSION, true,
                null, other, "k2", w.previousKeys()));
    }

    @Test
    void previousKeysAreCopiedAndNullMeansNone() {
        List<PreviousKey> keys = new ArrayList<>(List.of(new PreviousKey("p", 1)));
        Webhook w = new Webhook("org", "id", 0, "https://hooks.example.com/x", Webhook.VERSION, true, null, CONFIG, "k", keys);
        keys.clear();
        assertThat(w.previousKeys()).hasSize(1);
        assertThat(new Webhook("org", "id", 0, "https://hooks.example.com/x", Webhook.VERSION, true, null, CONFIG, "k", null)
                .previousKeys()).isEmpty();
    }

    @Test
    void configAndFilterValuesCannotBeInvalid() {
        assertThatThrownBy(() -> new WebhookConfig(100.5, List.of(), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookConfig(-1, List.of(), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookConfig(Double.NaN, List.of(), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PropertyFilter(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> new PropertyFilter("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
        List<PropertyFilter> filters = new ArrayList<>(List.of(new PropertyFilter("k", "v")));
        WebhookConfig config = new WebhookConfig(1, filters, true);
        filters.clear();
        assertThat(config.propertyFilters()).containsExactly(new PropertyFilter("k", "v"));
        assertThat(config.withSampleRate(2).withIncludeData(false).withPropertyFilters(List.of()))
                .isEqualTo(new WebhookConfig(2, List.of(), false));
    }
}
