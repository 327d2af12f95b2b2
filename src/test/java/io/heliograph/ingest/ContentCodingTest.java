package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentCodingTest {
    private static final byte[] TEXT = "{\"choices\":[{\"message\":{\"content\":\"héllo\"}}]}".getBytes(StandardCharsets.UTF_8);

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data, boolean raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void identityAndNoEncodingGiveTheBytesBack() {
        assertThat(ContentCoding.decode(null, TEXT, 1000)).hasValue(TEXT);
        assertThat(ContentCoding.decode("identity", TEXT, 1000)).hasValue(TEXT);
        assertThat(ContentCoding.decode("", TEXT, 1000)).hasValue(TEXT);
    }

    @Test
    void gzipAndBothKindsOfDeflate() throws Exception {
        assertThat(ContentCoding.decode("gzip", gzip(TEXT), 1000)).hasValue(TEXT);
        assertThat(ContentCoding.decode("X-GZIP", gzip(TEXT), 1000)).hasValue(TEXT);
        assertThat(ContentCoding.decode("deflate", deflate(TEXT, false), 1000)).hasValue(TEXT);
        assertThat(ContentCoding.decode("deflate", deflate(TEXT, true), 1000)).hasValue(TEXT);
    }

    @Test
    void brotliAsNodeWritesIt() {
        // zlib.brotliCompressSync(Buffer.from('{"choices":[{"message":{"content":"héllo"}}]}')).toString('base64') in Node.js 20
        byte[] br = Base64.getDecoder().decode("ixaAeyJjaG9pY2VzIjpbeyJtZXNzYWdlIjp7ImNvbnRlbnQiOiJow6lsbG8ifX1dfQM=");
        assertThat(ContentCoding.decode("br", br, 1000)).hasValue(TEXT);
        // zlib.brotliCompressSync(Buffer.from('x'.repeat(3000) + '{"a":1}')): a real compressed meta-block
        byte[] compressed = Base64.getDecoder().decode("G74L+I2TpR6tfEopEobXMTp7fUqWxwKBcQMAm8g=");
        assertThat(new String(ContentCoding.decode("br", compressed, 10_000).orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("x".repeat(3000) + "{\"a\":1}");
    }

    @Test
    void zstd() {
        assertThat(ContentCoding.decode("zstd", Zstd.compress(TEXT), 1000)).hasValue(TEXT);
    }

    @Test
    void stackedCodingsComeOffLastFirst() throws Exception {
        byte[] twice = deflate(gzip(TEXT), false); // gzip applied first, then deflate
        assertThat(ContentCoding.decode("gzip, deflate", twice, 1000)).hasValue(TEXT);
    }

    @Test
    void unknownCorruptOrTooLargeGiveNothing() throws Exception {
        assertThat(ContentCoding.decode("compress", TEXT, 1000)).isEmpty();
        assertThat(ContentCoding.decode("gzip", TEXT, 1000)).isEmpty();
        assertThat(ContentCoding.decode("br", TEXT, 1000)).isEmpty();
        assertThat(ContentCoding.decode("zstd", TEXT, 1000)).isEmpty();
        // 10 MiB of zeros gzips to ~10 KiB: decoding stops at the limit instead of filling memory.
        byte[] bomb = gzip(new byte[10 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(20_000);
        assertThat(ContentCoding.decode("gzip", bomb, 1024 * 1024)).isEmpty();
        assertThat(ContentCoding.decode(null, TEXT, TEXT.length - 1)).isEmpty();
    }
}
