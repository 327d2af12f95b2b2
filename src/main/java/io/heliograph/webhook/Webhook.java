package io.heliograph.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A webhook of one organization. {@code previousHmacKey} is the key replaced by the last rotation;
 * it keeps signing until {@code previousKeyExpiresAt} so receivers can switch over without gaps.
 */
public record Webhook(
        String orgId,
        String id,
        long createdAt,
        String destination,
        String version,
        boolean enabled,
        String disabledReason,
        WebhookConfig config,
        String hmacKey,
        String previousHmacKey,
        Long previousKeyExpiresAt) {

    /** The payload format version, as Helicone names it. */
    public static final String VERSION = "2024-10-22";

    public Webhook {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(hmacKey, "hmacKey");
    }

    /** The Standard Webhooks secret: {@code whsec_} and the base64 of the hmac_key's UTF-8 bytes. */
    public String signingSecret() {
        return "whsec_" + Base64.getEncoder().encodeToString(hmacKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The previous key, while it is still valid at {@code nowMillis}. */
    public String validPreviousKey(long nowMillis) {
        return previousHmacKey != null && previousKeyExpiresAt != null && previousKeyExpiresAt > nowMillis
                ? previousHmacKey
                : null;
    }
}
