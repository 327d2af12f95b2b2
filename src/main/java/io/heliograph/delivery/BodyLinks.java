package io.heliograph.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Signed links to a log's whole bodies ({@code request_response_url}): anyone holding the link may
 * read them until it expires, without an API key — as a webhook receiver needs.
 */
public final class BodyLinks {
    public static final Duration VALIDITY = Duration.ofDays(7);

    private final Supplier<String> publicUrl;
    private final String secret;
    private final Clock clock;

    public BodyLinks(Supplier<String> publicUrl, String secret, Clock clock) {
        this.publicUrl = publicUrl;
        this.secret = secret;
        this.clock = clock;
    }

    public String linkFor(String orgId, String requestId) {
        long expires = clock.millis() / 1000 + VALIDITY.toSeconds();
        return publicUrl.get().replaceAll("/+$", "") + "/bodies/" + requestId + "?org=" + URLEncoder.encode(orgId, StandardCharsets.UTF_8)
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
        return HexFormat.of().formatHex(Signatures.hmac(secret, (orgId + "\n" + requestId + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
    }
}
