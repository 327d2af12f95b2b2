package io.heliograph.ingest;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * Undoes a {@code Content-Encoding} for the log. The bytes the caller receives are never touched:
 * this works on the gateway's copy. Decoding is bounded, so a small compressed body that expands to
 * gigabytes (a "zip bomb") costs no more than {@code limit} bytes.
 */
public final class ContentCoding {
    private ContentCoding() {
    }

    /**
     * The body with every coding of {@code contentEncoding} undone (last applied, first undone);
     * empty when a coding is unknown, the data is corrupt, or the result would exceed {@code limit}.
     */
    public static Optional<byte[]> decode(String contentEncoding, byte[] body, int limit) {
        List<String> codings = codings(contentEncoding);
        byte[] current = body;
        try {
            for (String coding : codings) {
                Optional<byte[]> next = decodeOne(coding, current, limit);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                current = next.get();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return current.length > limit ? Optional.empty() : Optional.of(current);
    }

    /** The codings in the order to undo them: {@code gzip, br} was gzipped first, so br comes off first. */
    static List<String> codings(String contentEncoding) {
        List<String> codings = new ArrayList<>();
        if (contentEncoding != null) {
            for (String part : contentEncoding.split(",")) {
                String c = part.trim().toLowerCase(Locale.ROOT);
                if (!c.isEmpty() && !c.equals("identity")) {
                    codings.add(c);
                }
            }
        }
        Collections.reverse(codings);
        return codings;
    }

    private static Optional<byte[]> decodeOne(String coding, byte[] data, int limit) throws IOException {
        return switch (coding) {
            case "gzip", "x-gzip" -> read(new GZIPInputStream(new ByteArrayInputStream(data)), limit);
            case "deflate" -> deflate(data, limit);
            case "br" -> read(new BrotliInputStream(new ByteArrayInputStream(data)), limit);
            case "zstd" -> read(new ZstdInputStream(new ByteArrayInputStream(data)), limit);
            default -> Optional.empty();
        };
    }

    /** HTTP's "deflate" is zlib-wrapped (RFC 9110), but some servers send raw deflate: accept both. */
    private static Optional<byte[]> deflate(byte[] data, int limit) throws IOException {
        try {
            return read(new InflaterInputStream(new ByteArrayInputStream(data), new Inflater(false)), limit);
        } catch (IOException e) {
            return read(new InflaterInputStream(new ByteArrayInputStream(data), new Inflater(true)), limit);
        }
    }

    private static Optional<byte[]> read(InputStream in, int limit) throws IOException {
        try (in) {
            byte[] out = in.readNBytes(limit + 1);
            return out.length > limit ? Optional.empty() : Optional.of(out);
        }
    }
}
