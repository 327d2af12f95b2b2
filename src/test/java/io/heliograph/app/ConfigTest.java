package io.heliograph.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void aRetentionShorterThanTheWholeRetryScheduleIsRefusedWithWhatItMustExceed() {
        // 5s+5m+30m+2h+5h+10h+10h = 27h35m5s, plus 20 % jitter = 33h6m6s: a day is too short.
        assertThatThrownBy(() -> Config.builder().retention("1d").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Retention (PT24H) must be longer than the whole retry schedule (PT33H6M6S: the sum of its delays"
                        + " plus 20 % jitter), or 0d to keep everything");
        assertThat(Config.builder().retention("2d").build().retention()).isEqualTo(Duration.ofDays(2));
        assertThat(Config.builder().retention(Duration.ZERO).build().retention()).as("0d keeps everything").isZero();
    }

    @Test
    void theDefaultsAreTheSpecsTable() {
        Config d = Config.defaults();
        assertThat(d.port()).isEqualTo(8585);
        assertThat(d.bind()).isEqualTo("0.0.0.0");
        assertThat(d.publicUrl()).isNull();
        assertThat(d.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(d.databaseUrl()).isNull();
        assertThat(d.usesPostgres()).isFalse();
        assertThat(d.bootstrapApiKey()).isNull();
        assertThat(d.allowPrivateDestinations()).isFalse();
        assertThat(d.allowHttpDestinations()).isFalse();
        assertThat(d.retrySchedule().delays()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
        assertThat(d.retrySchedule().maxAttempts()).isEqualTo(8);
        assertThat(d.webhookConcurrency()).isEqualTo(16);
        assertThat(d.hostConcurrency()).isEqualTo(64);
        assertThat(d.inlineBodyLimitBytes()).isEqualTo(64 * 1024);
        assertThat(d.openAiBaseUrl()).isEqualTo(URI.create("https://api.openai.com"));
        assertThat(d.anthropicBaseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
        assertThat(d.gatewayTargets().isEmpty()).as("any host the guard allows").isTrue();
        assertThat(d.gatewayTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(d.rateLimit()).isEqualTo(100);
        assertThat(d.ingestRateLimit()).isZero();
    }

    @Test
    void aBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold() {
        Config c = Config.builder().port(0).retrySchedule("1s, 2s").inlineBodyLimit("1MiB").gatewayTimeout("30s")
                .publicUrl(" https://hooks.example.com ").databaseUrl("  ").build();
        assertThat(c).usingRecursiveComparison()
                .ignoringFields("port", "retrySchedule", "inlineBodyLimitBytes", "gatewayTimeout", "publicUrl")
                .isEqualTo(Config.defaults());
        assertThat(c.port()).isZero();
        assertThat(c.retrySchedule().delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(c.inlineBodyLimitBytes()).isEqualTo(1 << 20);
        assertThat(c.gatewayTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.publicUrl()).as("trimmed").isEqualTo("https://hooks.example.com");
        assertThat(c.databaseUrl()).as("blank is unset").isNull();
        assertThat(Config.builder().retrySchedule("").build().retrySchedule().maxAttempts()).as("empty: one attempt").isEqualTo(1);
    }

    @Test
    void theIngestMemoryIsAutoByDefaultOrASize() {
        assertThat(Config.defaults().ingestMemoryBytes()).as("auto: a quarter of the heap").isZero();
        assertThat(Config.builder().ingestMemory("AUTO").build().ingestMemoryBytes()).isZero();
        assertThat(Config.builder().ingestMemory("256MiB").build().ingestMemoryBytes()).isEqualTo(256L * 1024 * 1024);
        assertThatThrownBy(() -> Config.builder().ingestMemory("lots")).hasMessageContaining("ingest memory");
        assertThatThrownBy(() -> Config.builder().ingestMemoryBytes(-1).build()).hasMessage("Ingest memory must not be negative");
    }

    @Test
    void theOpenAiBaseUrlLosesItsTrailingSlashAndMustBeHttpWithAHost() {
        assertThat(Config.builder().openAiBaseUrl("HTTPS://proxy.example.com/openai/").build().openAiBaseUrl())
                .isEqualTo(URI.create("https://proxy.example.com/openai"));
        for (String bad : new String[] {"ftp://example.com", "https://example.com/?a=1", "https://u@example.com", "example.com"}) {
            assertThatThrownBy(() -> Config.builder().openAiBaseUrl(bad)).as(bad).hasMessageContaining("OpenAI base URL");
        }
    }

    @Test
    void theAnthropicBaseUrlFollowsTheSameRulesAndNamesItself() {
        assertThat(Config.builder().anthropicBaseUrl("http://127.0.0.1:8080/claude/").build().anthropicBaseUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8080/claude"));
        for (String bad : new String[] {"ftp://example.com", "https://example.com/#x", "api.anthropic.com"}) {
            assertThatThrownBy(() -> Config.builder().anthropicBaseUrl(bad)).as(bad).hasMessageContaining("Anthropic base URL");
        }
    }

    @Test
    void gatewayTargetsAreHostNamesOrWildcardsAndNothingElse() {
        var targets = Config.builder().gatewayTargets(" API.Together.xyz., *.example.com ,,").build().gatewayTargets();
        assertThat(targets.entries()).containsExactly("api.together.xyz", "*.example.com");
        assertThat(targets.permits("api.together.xyz")).isTrue();
        assertThat(targets.permits("API.TOGETHER.XYZ.")).isTrue();
        assertThat(targets.permits("llm.example.com")).isTrue();
        assertThat(targets.permits("a.b.example.com")).isTrue();
        assertThat(targets.permits("example.com")).as("a wildcard names only what is under it").isFalse();
        assertThat(targets.permits("evilexample.com")).isFalse();
        assertThat(targets.permits("api.together.xyz.evil.com")).isFalse();
        assertThat(targets.permits("127.0.0.1")).isFalse();
        assertThat(Config.builder().gatewayTargets("").build().gatewayTargets().permits("anything.test")).isTrue();
        for (String bad : new String[] {"https://api.together.xyz", "api.together.xyz:443", "api.together.xyz/v1", "*",
                "a*.example.com", "two words"}) {
            assertThatThrownBy(() -> Config.builder().gatewayTargets(bad)).as(bad).hasMessageContaining("Gateway targets");
        }
    }

    @Test
    void aBadValueNamesItsSetting() {
        assertThatThrownBy(() -> Config.builder().retrySchedule("5s,5x")).hasMessageStartingWith("Invalid retry delay '5x'");
        assertThatThrownBy(() -> Config.builder().retention("30")).hasMessageStartingWith("Invalid retention '30'");
        assertThatThrownBy(() -> Config.builder().gatewayTimeout("ten minutes")).hasMessageStartingWith("Invalid gateway timeout");
        assertThatThrownBy(() -> Config.builder().inlineBodyLimit("64GiB")).hasMessageStartingWith("Invalid inline body limit '64GiB'");
    }

    @Test
    void validationRefusesWhatCannotRun() {
        assertThatThrownBy(() -> Config.builder().hostConcurrency(0).build()).hasMessageContaining("Host concurrency");
        assertThatThrownBy(() -> Config.builder().webhookConcurrency(1025).build()).hasMessageContaining("Webhook concurrency");
        assertThatThrownBy(() -> Config.builder().port(65536).build()).hasMessageContaining("Port");
        assertThatThrownBy(() -> Config.builder().gatewayTimeout("0s").build()).hasMessageContaining("Gateway timeout");
        assertThatThrownBy(() -> Config.builder().rateLimit(-1).build()).hasMessageContaining("Rate limits");
    }
}
