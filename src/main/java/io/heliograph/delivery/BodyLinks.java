package io.heliograph.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;

/**
 * Signed links to a log's whole bodies ({@code request_response_url}): anyone holding the link may
 * read them until it expires, without an API key — as a webhook receiver needs.
 */
public final class BodyLinks {
    public static final Duration VALIDITY = Duration.ofDays(7);

    private final Supplier<String> publicUrl;
    /** Keyed once; every signature clones it (cheaper than looking the algorithm up and keying it each time). */
    private final Mac keyed;
    private final Clock clock;

    public BodyLinks(Supplier<String> publicUrl, String secret, Clock clock) {
        this.publicUrl = publicUrl;
        this.keyed = Signatures.keyed(secret.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    public String linkFor(String orgId, String requestId) {
        long expires = clock.millis() / 1000 + VALIDITY.toSeconds();
        return withoutTrailingSlashes(publicUrl.get()) + "/bodies/" + requestId + "?org=" + URLEncoder.encode(orgId, StandardCharsets.UTF_8)
                + "&expires=" + expires + "&signature=" + signature(orgId, requestId, expires);
    }

    /** True when the signature is ours and the link has not expired. */
    public boolean valid(String orgId, String requestId, long expires, String signature) {
        if (expires < clock.millis() / 1000) {
            return false;
        }
        return MessageDigest.isEqual(signature(orgId, requestId, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String orgId, String requestId, long expires) {
        Mac mac;
        try {
            mac = (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 MACs can be cloned", e);
        }
        return HexFormat.of().formatHex(mac.doFinal((orgId + "\n" + requestId + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
    }

    static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
