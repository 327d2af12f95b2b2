package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.destination.DestinationGuard;
import io.heliograph.support.Receiver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request a receiver gets, as it gets it on loopback: its Host, and never a cookie. */
class SenderRequestTest {
    private static Sender sender;

    @BeforeAll
    static void start() {
        sender = new Sender(new DestinationGuard(DestinationGuard.systemResolver(Duration.ofSeconds(2)), true, true),
                "Heliograph-test", 4, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        sender.close();
    }

    @Test
    void theHostHeaderNamesTheHostAndPortAsTheUrlDoes() {
        try (Receiver receiver = new Receiver()) {
            URI url = URI.create(receiver.url());
            String[] urls = {receiver.url(), receiver.url() + "?a=1&b=%20", "http://127.0.0.1:" + url.getPort()};
            for (String target : urls) {
                assertThat(sender.send(target, Map.of("X-Probe", target), "{}".getBytes(StandardCharsets.UTF_8)).statusCode())
                        .isEqualTo(200);
            }

            assertThat(receiver.received()).hasSize(3);
            assertThat(receiver.received().get(0).header("Host")).isEqualTo(url.getHost() + ":" + url.getPort());
            assertThat(receiver.received().get(1).header("Host")).isEqualTo(url.getHost() + ":" + url.getPort());
            assertThat(receiver.received().get(2).header("Host")).isEqualTo(url.getHost() + ":" + url.getPort());
            assertThat(receiver.received()).allSatisfy(r -> assertThat(r.header("X-Probe")).isNotNull());
        }
    }

    @Test
    void aCookieAReceiverSetsIsNeverSentBack() {
        try (Receiver receiver = new Receiver().answering(r -> new MockResponse.Builder().code(200)
                .addHeader("Set-Cookie", "session=abc; Path=/").body("ok").build())) {
            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(receiver.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            }

            assertThat(receiver.received()).hasSize(3).allSatisfy(r -> assertThat(r.header("Cookie")).isNull());
        }
    }
}
