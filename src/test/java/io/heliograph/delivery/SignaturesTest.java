package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    @Test
    void heliconeSignatureIsLowercaseHexHmacOfTheBody() {
        // The first case of the contract vectors (src/test/resources/vectors/js-json.json): same key, same bytes, same HMAC.
        String key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assertThat(Signatures.helicone("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8), key))
                .isEqualTo("5a888c94c61805f7302b21e9882b8cbc94b25aac9f6baa71bd2505f7b19d5d98");
    }

    @Test
    void standardWebhooksSignatureMatchesTheSpecsExample() {
        // The example of the Standard Webhooks specification (and its reference libraries' tests).
        byte[] secret = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String signature = Signatures.standardWebhooksWithKeyBytes("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8), List.of(secret));
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aRotatedKeyAddsASecondSpaceSeparatedSignature() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String one = Signatures.standardWebhooks("msg_1", 1700000000, body, List.of("new-key"));
        String two = Signatures.standardWebhooks("msg_1", 1700000000, body, List.of("new-key", "old-key"));
        assertThat(two).startsWith(one + " v1,").doesNotEndWith(" ");
        assertThat(two.split(" ")).hasSize(2).allSatisfy(entry -> assertThat(entry).matches("v1,[A-Za-z0-9+/]{43}="));
        assertThat(Signatures.standardWebhooks("msg_2", 1700000000, body, List.of("new-key"))).isNotEqualTo(one);
        assertThat(Signatures.standardWebhooks("msg_1", 1700000001, body, List.of("new-key"))).isNotEqualTo(one);
    }

    @Test
    void keyedMacsKeptPerKeyGiveTheSameSignaturesAsFreshOnesEveryTimeFromManyThreads() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        List<String> keys = List.of("key-one", "key-two", "key-three");
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        for (String key : keys) {
            expected.put(key, java.util.HexFormat.of().formatHex(Signatures.hmac(Signatures.keyed(key.getBytes(StandardCharsets.UTF_8)), body)));
        }
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    String key = keys.get(i % keys.size());
                    if (!Signatures.helicone(body, key).equals(expected.get(key))) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).hasValue(0);
        // The String-keyed Standard Webhooks signature (kept MACs) equals the byte-keyed one (fresh MACs).
        assertThat(Signatures.standardWebhooks("msg_1", 1700000000, body, List.of("key-one", "key-two")))
                .isEqualTo(Signatures.standardWebhooksWithKeyBytes("msg_1", 1700000000, body,
                        List.of("key-one".getBytes(StandardCharsets.UTF_8), "key-two".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theKeptMacsAreBoundedAndStillRightAfterStartingAfresh() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Signatures.CACHED_KEYS + 10; i++) {
            Signatures.helicone(body, "rotating-key-" + i);
            assertThat(Signatures.cachedKeys()).isLessThanOrEqualTo(Signatures.CACHED_KEYS);
        }
        String key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assertThat(Signatures.helicone("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8), key))
                .isEqualTo("5a888c94c61805f7302b21e9882b8cbc94b25aac9f6baa71bd2505f7b19d5d98");
    }
}
