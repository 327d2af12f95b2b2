package io.heliograph.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A body read into an array of its declared size answers exactly what reading at most
 * {@code limit + 1} bytes answers, whether the body is as long as declared, shorter or longer.
 */
class JsonBodiesTest {

    @Property(tries = 2_000)
    void readingTheDeclaredLengthAnswersWhatReadingUpToTheLimitDoes(
            @ForAll @IntRange(min = 1, max = 300) int declared,
            @ForAll @IntRange(min = 0, max = 700) int sent,
            @ForAll @IntRange(min = 0, max = 400) int overLimit,
            @ForAll long seed) throws IOException {
        int limit = declared + overLimit;
        byte[] body = new byte[sent];
        new Random(seed).nextBytes(body);

        byte[] exact = JsonBodies.readDeclared(new ByteArrayInputStream(body), declared, limit);

        assertThat(exact).isEqualTo(new ByteArrayInputStream(body).readNBytes(limit + 1));
    }

    @Example
    void aBodyArrivingInSmallPiecesIsReadWhole() throws IOException {
        byte[] body = new byte[JsonBodies.EXACT_READ_MAX];
        new Random(7).nextBytes(body);
        ByteArrayInputStream all = new ByteArrayInputStream(body);
        InputStream trickle = new InputStream() {
            @Override
            public int read() {
                return all.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return all.read(b, off, Math.min(len, 13));
            }
        };

        assertThat(JsonBodies.readDeclared(trickle, body.length, body.length)).isEqualTo(body);
    }
}
