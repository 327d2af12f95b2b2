package io.heliograph.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The envelope written without a tree is byte for byte the one written through Jackson. */
class EnvelopeTest {

    @Property(tries = 3_000)
    void anIdAnswerIsWhatTheTreeWouldHaveWritten(@ForAll("ids") String id) {
        assertThat(new String(Envelope.idBody("request_id", id), StandardCharsets.UTF_8))
                .isEqualTo(new String(Envelope.body(Json.object().put("request_id", id), null), StandardCharsets.UTF_8));
    }

    @Example
    void aUuidNeedsNoEscapingAndAnythingElseFallsBackToTheTree() {
        assertThat(Envelope.isPlain(UUID.randomUUID().toString())).isTrue();
        assertThat(Envelope.isPlain("a\"b")).isFalse();
        assertThat(Envelope.isPlain("a\\b")).isFalse();
        assertThat(Envelope.isPlain("é")).isFalse();
        assertThat(new String(Envelope.idBody("request_id", "a\"b"), StandardCharsets.UTF_8)).isEqualTo("{\"data\":{\"request_id\":\"a\\\"b\"},\"error\":null}");
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.strings().withChars("abcXYZ019-_").ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.of("", "\"", "\\", "</script>", "\u0000", "\ud800", "\u2028"));
    }
}
