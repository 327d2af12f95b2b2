package io.heliograph.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two signature schemes on every attempt. Both key HMAC-SHA256 with the UTF-8 bytes of the
 * webhook's {@code hmac_key} (the Standard Webhooks secret {@code whsec_…} is their base64). Pure
 * but for a bounded cache of keyed MACs (see {@link #keyedFor}).
 */
public final class Signatures {
    /** How many keys {@link #keyedFor} keeps keyed MACs for before it starts afresh. */
    static final int CACHED_KEYS = 4_096;
    private static final Map<String, Mac> KEYED = new ConcurrentHashMap<>();

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
        return standardWebhooks(messageId, timestampSeconds, body, hmacKeys.stream().map(Signatures::keyedFor));
    }

    /** As above, keyed with raw bytes (the specification's example secret is not UTF-8 text). */
    static String standardWebhooksWithKeyBytes(String messageId, long timestampSeconds, byte[] body, List<byte[]> keys) {
        return standardWebhooks(messageId, timestampSeconds, body, keys.stream().map(Signatures::keyed));
    }

    private static String standardWebhooks(String messageId, long timestampSeconds, byte[] body, Stream<Mac> macs) {
        // "id.timestamp." then the body, fed to the MAC in turn: the body is not copied to prefix it.
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        return macs.map(mac -> "v1," + Base64.getEncoder().encodeToString(hmac(mac, prefix, body)))
                .collect(Collectors.joining(" "));
    }

    static byte[] hmac(String key, byte[] data) {
        return hmac(keyedFor(key), data);
    }

    /** HMAC-SHA256, with a MAC keyed for this call alone, of the parts one after another, as of their concatenation. */
    static byte[] hmac(Mac mac, byte[]... parts) {
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /**
     * A MAC keyed with {@code key}'s UTF-8 bytes, for one use: a clone of one kept per key, as keying
     * one (looking the algorithm up, digesting the padded key twice) cost as much as the HMAC of a
     * 1 KiB body (JMH {@code signHelicone}, {@code attemptHeadersOneKey}). The webhooks' keys are in
     * memory anyway; past {@value #CACHED_KEYS} of them (keys rotated or deleted over a long run) the
     * cache starts afresh.
     */
    static Mac keyedFor(String key) {
        Mac prototype = KEYED.get(key);
        if (prototype == null) {
            if (KEYED.size() >= CACHED_KEYS) {
                KEYED.clear();
            }
            prototype = keyed(key.getBytes(StandardCharsets.UTF_8));
            KEYED.putIfAbsent(key, prototype);
        }
        try {
            return (Mac) prototype.clone(); // reads the prototype only, so any number of threads may clone it at once
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 MACs can be cloned", e);
        }
    }

    /** How many keys have a keyed MAC kept, for tests. */
    static int cachedKeys() {
        return KEYED.size();
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
