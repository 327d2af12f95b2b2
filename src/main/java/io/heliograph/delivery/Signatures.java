package io.heliograph.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two signature schemes on every attempt. Both key HMAC-SHA256 with the UTF-8 bytes of the
 * webhook's {@code hmac_key} (the Standard Webhooks secret {@code whsec_…} is their base64). Pure.
 */
public final class Signatures {
    private Signatures() {
    }

    /** Helicone's: lowercase hex HMAC of the exact body bytes. */
    public static String helicone(byte[] body, String hmacKey) {
        return HexFormat.of().formatHex(hmac(hmacKey, body));
    }

    /**
     * Standard Webhooks' {@code webhook-signature}: {@code v1,<base64 HMAC of "id.timestamp.body">},
     * one space-separated entry per key that is valid now (two while a rotated key lives on).
     */
    public static String standardWebhooks(String messageId, long timestampSeconds, byte[] body, List<String> hmacKeys) {
        return standardWebhooksWithKeyBytes(messageId, timestampSeconds, body,
                hmacKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList());
    }

    static String standardWebhooksWithKeyBytes(String messageId, long timestampSeconds, byte[] body, List<byte[]> keys) {
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return keys.stream()
                .map(key -> "v1," + Base64.getEncoder().encodeToString(hmac(key, signed)))
                .collect(Collectors.joining(" "));
    }

    static byte[] hmac(String key, byte[] data) {
        return hmac(key.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
