package io.heliograph.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookTest {
    private static final WebhookConfig CONFIG = new WebhookConfig(100, List.of(), true);

    /** Every field differs from the builder's defaults, so a field dropped or swapped by a copy shows. */
    private static Webhook disabledWithHistory() {
        return Webhook.builder()
                .orgId("org")
                .id("w1")
                .createdAt(42)
                .destination("https://hooks.example.com/a")
                .version("2023-01-01")
                .enabled(false)
                .disabledReason("receiver gone")
                .config(CONFIG)
                .hmacKey("current")
                .previousKeys(List.of(new Webhook.PreviousKey("old", 1_000)))
                .build();
    }

    @Test
    void builderSetsEachFieldByName() {
        Webhook w = disabledWithHistory();
        assertThat(w.orgId()).isEqualTo("org");
        assertThat(w.id()).isEqualTo("w1");
        assertThat(w.createdAt()).isEqualTo(42);
        assertThat(w.destination()).isEqualTo("https://hooks.example.com/a");
        assertThat(w.version()).isEqualTo("2023-01-01");
        assertThat(w.enabled()).isFalse();
        assertThat(w.disabledReason()).isEqualTo("receiver gone");
        assertThat(w.config()).isEqualTo(CONFIG);
        assertThat(w.hmacKey()).isEqualTo("current");
        assertThat(w.previousKeys()).containsExactly(new Webhook.PreviousKey("old", 1_000));
    }

    @Test
    void builderDefaultsToANewEnabledWebhookWithNoRotationBehindIt() {
        Webhook w = Webhook.builder().orgId("org").id("w1").destination("https://x.example.com").config(CONFIG).hmacKey("k").build();
        assertThat(w.version()).isEqualTo(Webhook.VERSION);
        assertThat(w.enabled()).isTrue();
        assertThat(w.disabledReason()).isNull();
        assertThat(w.previousKeys()).isEmpty();
    }

    @Test
    void builderRefusesAWebhookWithoutItsRequiredFields() {
        assertThatThrownBy(() -> disabledWithHistory().toBuilder().orgId(null).build()).hasMessage("orgId");
        assertThatThrownBy(() -> disabledWithHistory().toBuilder().id(null).build()).hasMessage("id");
        assertThatThrownBy(() -> disabledWithHistory().toBuilder().destination(null).build()).hasMessage("destination");
        assertThatThrownBy(() -> disabledWithHistory().toBuilder().config(null).build()).hasMessage("config");
        assertThatThrownBy(() -> disabledWithHistory().toBuilder().hmacKey(null).build()).hasMessage("hmacKey");
    }

    @Test
    void toBuilderCopiesEveryField() {
        Webhook w = disabledWithHistory();
        assertThat(w.toBuilder().build()).isEqualTo(w);
    }

    @Test
    void withDestinationChangesOnlyTheDestination() {
        Webhook w = disabledWithHistory();
        Webhook changed = w.withDestination("https://hooks.example.com/b");
        assertThat(changed.destination()).isEqualTo("https://hooks.example.com/b");
        assertThat(changed).usingRecursiveComparison().ignoringFields("destination").isEqualTo(w);
    }

    @Test
    void withConfigChangesOnlyTheConfig() {
        Webhook w = disabledWithHistory();
        WebhookConfig other = new WebhookConfig(5, List.of(new PropertyFilter("env", "prod")), false);
        Webhook changed = w.withConfig(other);
        assertThat(changed.config()).isEqualTo(other);
        assertThat(changed).usingRecursiveComparison().ignoringFields("config").isEqualTo(w);
    }

    @Test
    void reEnablingClearsTheReasonAndNothingElse() {
        Webhook w = disabledWithHistory();
        Webhook enabled = w.withEnabled(true);
        assertThat(enabled.enabled()).isTrue();
        assertThat(enabled.disabledReason()).isNull();
        assertThat(enabled).usingRecursiveComparison().ignoringFields("enabled", "disabledReason").isEqualTo(w);
    }

    @Test
    void disablingByHandKeepsEveryOtherField() {
        Webhook w = disabledWithHistory().withEnabled(true);
        Webhook disabled = w.withEnabled(false);
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled).usingRecursiveComparison().ignoringFields("enabled").isEqualTo(w);
    }

    @Test
    void rotatingChangesOnlyTheKeys() {
        Webhook w = disabledWithHistory();
        Webhook rotated = w.rotated("next", 0, Duration.ofMillis(500));
        assertThat(rotated.hmacKey()).isEqualTo("next");
        assertThat(rotated.previousKeys())
                .containsExactly(new Webhook.PreviousKey("current", 500), new Webhook.PreviousKey("old", 1_000));
        assertThat(rotated).usingRecursiveComparison().ignoringFields("hmacKey", "previousKeys").isEqualTo(w);
    }
}
