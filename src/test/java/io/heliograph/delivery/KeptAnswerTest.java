package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.destination.DestinationGuard;
import io.heliograph.support.Receiver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a delivery attempt keeps of the receiver's answer: its first {@value Sender#KEPT_RESPONSE_BYTES}
 * bytes, whatever their length and however they are framed, sent to a real receiver on loopback.
 */
class KeptAnswerTest {
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

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 100, 4095, 4096, 4097, 10_000, 70_000})
    void theFirstBytesOfAnAnswerAreKeptWhetherItHasALengthOrComesInChunks(int length) {
        String answer = text(length);
        String expected = answer.substring(0, Math.min(length, Sender.KEPT_RESPONSE_BYTES));
        try (Receiver withLength = new Receiver().answering(r -> new MockResponse.Builder().code(200).body(answer).build());
                Receiver chunked = new Receiver().answering(r -> new MockResponse.Builder().code(500)
                        .chunkedBody(answer, 700).build())) {
            Sender.Result sized = sender.send(withLength.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
            Sender.Result inChunks = sender.send(chunked.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(sized.statusCode()).isEqualTo(200);
            assertThat(sized.responseBody()).isEqualTo(expected);
            assertThat(inChunks.statusCode()).isEqualTo(500);
            assertThat(inChunks.responseBody()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5000})
    void aNulInTheAnswerIsKeptAsAReplacementCharacter(int at) {
        String answer = text(at) + "\u0000" + "tail";
        try (Receiver receiver = new Receiver().answering(r -> new MockResponse.Builder().code(200).body(answer).build())) {
            Sender.Result result = sender.send(receiver.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

            String kept = answer.substring(0, Math.min(answer.length(), Sender.KEPT_RESPONSE_BYTES)).replace('\u0000', '\uFFFD');
            assertThat(result.responseBody()).isEqualTo(kept);
        }
    }

    /** ASCII text in which every position differs from its neighbours, so a misplaced piece shows. */
    private static String text(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + (i * 7 + i / 26) % 26));
        }
        return sb.toString();
    }
}
