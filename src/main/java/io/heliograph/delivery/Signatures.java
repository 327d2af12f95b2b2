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
        // "id.timestamp." then the body, fed to the MAC in turn: the body is not copied to prefix it.
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        return keys.stream()
                .map(key -> "v1," + Base64.getEncoder().encodeToString(hmac(key, prefix, body)))
                .collect(Collectors.joining(" "));
    }

    static byte[] hmac(String key, byte[] data) {
        return hmac(key.getBytes(StandardCharsets.UTF_8), data);
    }

    /** HMAC-SHA256 of the parts one after another, as of their concatenation. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        Mac mac = keyed(key);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** A MAC ready for its first byte: give it to one thread at a time; {@link Mac#clone()} makes more cheaply. */
    static Mac keyed(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
