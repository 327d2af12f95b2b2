package io.heliograph.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keys and their stored form. That the final comparison is constant-time is a property of
 * {@link java.security.MessageDigest#isEqual} (it examines every byte whatever the first difference);
 * timing is not asserted here — these tests pin down that the comparison is right.
 */
class ApiKeysTest {

    @Test
    void keysAre256RandomBitsWithAPrefix() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeys.generate();
            assertThat(key).matches("hg_[A-Za-z0-9_-]{43}");
            assertThat(seen.add(key)).isTrue();
        }
    }

    @Test
    void theStoredFormIsTheSha256HexOfTheKey() {
        // printf 'hg_abc' | sha256sum
        assertThat(ApiKeys.hash("hg_abc")).isEqualTo("2f734d398a87288be1448be292b4cc44e8a6ccc64bfe05414a4e378102a3c9ef");
        assertThat(ApiKeys.hash("hg_abc")).hasSize(64).matches("[0-9a-f]{64}").isNotEqualTo(ApiKeys.hash("hg_abd"));
    }

    @Test
    void sameHashComparesWholeValues() {
        String h = ApiKeys.hash("hg_one");
        assertThat(ApiKeys.sameHash(h, ApiKeys.hash("hg_one"))).isTrue();
        assertThat(ApiKeys.sameHash(h, ApiKeys.hash("hg_two"))).isFalse();
        // Differing only in the last character, or in length, is still a difference.
        String lastDiffers = h.substring(0, 63) + (h.charAt(63) == '0' ? '1' : '0');
        assertThat(ApiKeys.sameHash(h, lastDiffers)).isFalse();
        assertThat(ApiKeys.sameHash(h, h.substring(0, 63))).isFalse();
        assertThat(ApiKeys.sameHash(h, "")).isFalse();
    }

    @Test
    void theShownPrefixNeverRevealsTheKey() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.shownPrefix(key)).hasSize(11).isEqualTo(key.substring(0, 11));
        assertThat(ApiKeys.shownPrefix("hg_short")).isEqualTo("hg_");
    }
}
