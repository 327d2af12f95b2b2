package io.heliograph.ui;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.http.Envelope;
import io.heliograph.http.ErrorMapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's files, read from the jar once at start, each kept plain and gzipped with its
 * ETag. A browser revalidates on every load ({@code no-cache}), so a new version shows at once, and
 * gets 304 while nothing changed.
 */
final class Assets {
    static final List<String> FILES = List.of("index.html", "app.js", "app.css", "favicon.svg");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    record Asset(byte[] plain, byte[] gzipped, String type, String etag) {
    }

    private final Map<String, Asset> assets;

    private Assets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static Assets load() {
        Map<String, Asset> loaded = new TreeMap<>();
        for (String name : FILES) {
            try (InputStream in = Assets.class.getResourceAsStream("/ui/" + name)) {
                if (in == null) {
                    continue;
                }
                byte[] plain = in.readAllBytes();
                String ext = name.substring(name.lastIndexOf('.') + 1);
                loaded.put(name, new Asset(plain, gzip(plain), TYPES.get(ext), etag(plain)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Assets(loaded);
    }

    /** The named file's answer: the gzipped form when the browser accepts it, 304 when its copy is current. */
    void send(String name, ServerRequest req, ServerResponse res) {
        Asset a = assets.get(name);
        if (a == null) {
            Envelope.error(res, 404, ErrorMapping.NOT_FOUND);
            return;
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.ETAG, a.etag());
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(a.etag())).orElse(false)) {
            res.status(304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false);
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(a.gzipped());
        } else {
            res.send(a.plain());
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] plain) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
