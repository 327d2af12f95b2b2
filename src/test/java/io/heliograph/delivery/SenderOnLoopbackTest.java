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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sender against a real receiver on loopback: what an attempt keeps of the answer (its first
 * {@value Sender#KEPT_RESPONSE_BYTES} bytes, whatever their length and framing), the Host header it
 * sends, and that it never sends a cookie back.
 */
class SenderOnLoopbackTest {
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

    /**
     * An answer is recorded as the receiver gave it, whatever its status: a 401 without a challenge (a
     * receiver refusing a signature), or with one and a long body, a 407, a redirect (not followed) —
     * none is turned into a client-side "protocol violation" or buffered past the kept bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"401", "401 challenge", "401 challenge long", "407", "407 challenge", "302", "307"})
    void everyAnswerIsRecordedAsTheReceiverGaveIt(String kind) {
        int code = Integer.parseInt(kind.substring(0, 3));
        String body = kind.endsWith("long") ? text(40_000) : "refused: " + kind;
        try (Receiver receiver = new Receiver().answering(r -> {
            MockResponse.Builder answer = new MockResponse.Builder().code(code).body(body);
            if (kind.contains("challenge")) {
                answer.addHeader(code == 401 ? "WWW-Authenticate" : "Proxy-Authenticate", "Basic realm=\"hooks\"");
            }
            if (code == 302 || code == 307) {
                answer.addHeader("Location", "http://127.0.0.1:9/elsewhere");
            }
            return answer.build();
        })) {
            Sender.Result result = sender.send(receiver.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(result.statusCode()).isEqualTo(code);
            assertThat(result.error()).isNull();
            assertThat(result.responseBody()).isEqualTo(body.substring(0, Math.min(body.length(), Sender.KEPT_RESPONSE_BYTES)));
            assertThat(result.sent()).isTrue();
            assertThat(receiver.received()).as("sent once, never again with credentials or elsewhere").hasSize(1);
        }
    }

    /** An interim 103 Early Hints before the answer is not the answer. */
    @Test
    void anInterimAnswerIsNotTheAnswer() {
        try (Receiver receiver = new Receiver().answering(r -> new MockResponse.Builder()
                .addInformationalResponse(new MockResponse.Builder().code(103).addHeader("Link", "</a.css>; rel=preload").build())
                .code(200).body("ok").build())) {
            Sender.Result result = sender.send(receiver.url(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(result.responseBody()).isEqualTo("ok");
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
