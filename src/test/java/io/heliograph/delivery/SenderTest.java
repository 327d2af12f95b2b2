package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SenderTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfterTakesSecondsOrAnHttpDate() {
        assertThat(Sender.parseRetryAfter("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(Sender.parseRetryAfter(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(Sender.parseRetryAfter("Thu, 15 Jan 2026 10:31:00 GMT", NOW)).contains(Duration.ofSeconds(60));
        assertThat(Sender.parseRetryAfter("Thu, 15 Jan 2026 10:29:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(Sender.parseRetryAfter("-5", NOW)).isEmpty();
        assertThat(Sender.parseRetryAfter("soon", NOW)).isEmpty();
        assertThat(Sender.parseRetryAfter("", NOW)).isEmpty();
        assertThat(Sender.parseRetryAfter(null, NOW)).isEmpty();
    }
}
