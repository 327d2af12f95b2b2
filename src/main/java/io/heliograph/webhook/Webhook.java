package io.heliograph.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A webhook of one organization. {@code previousKeys} are the keys replaced by rotations, newest
 * first; each keeps signing until its {@code expiresAt} so receivers can switch over without gaps,
 * however often the key is rotated.
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
        List<PreviousKey> previousKeys) {

    /** The payload format version, as Helicone names it. */
    public static final String VERSION = "2024-10-22";
    /** At most this many keys sign one attempt: the current one and up to four replaced ones still in their overlap. */
    public static final int MAX_SIGNING_KEYS = 5;

    /** A key a rotation replaced, and until when (epoch ms) it still signs. */
    public record PreviousKey(String key, long expiresAt) {
        public PreviousKey {
            Objects.requireNonNull(key, "key");
        }
    }

    public Webhook {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(hmacKey, "hmacKey");
        previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
    }

    /**
     * A webhook built by naming its fields. Unless set, it is a new one: the current payload version,
     * enabled, with no rotation behind it. orgId, id, destination, config and hmacKey are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this webhook's fields, to change some by name. */
    public Builder toBuilder() {
        return new Builder()
                .orgId(orgId)
                .id(id)
                .createdAt(createdAt)
                .destination(destination)
                .version(version)
                .enabled(enabled)
                .disabledReason(disabledReason)
                .config(config)
                .hmacKey(hmacKey)
                .previousKeys(previousKeys);
    }

    /** The Standard Webhooks secret: {@code whsec_} and the base64 of the hmac_key's UTF-8 bytes. */
    public String signingSecret() {
        return "whsec_" + Base64.getEncoder().encodeToString(hmacKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Every key that signs at {@code nowMillis}: the current one, then replaced ones still valid, newest first; at most five. */
    public List<String> signingKeys(long nowMillis) {
        List<String> keys = new ArrayList<>(MAX_SIGNING_KEYS);
        keys.add(hmacKey);
        for (PreviousKey previous : previousKeys) {
            if (keys.size() == MAX_SIGNING_KEYS) {
                break;
            }
            if (previous.expiresAt() > nowMillis) {
                keys.add(previous.key());
            }
        }
        return keys;
    }

    public Webhook withDestination(String value) {
        return toBuilder().destination(value).build();
    }

    /** Enabled or disabled by hand: re-enabling clears the reason Heliograph gave; disabling by hand gives none. */
    public Webhook withEnabled(boolean value) {
        return toBuilder().enabled(value).disabledReason(value ? null : disabledReason).build();
    }

    public Webhook withConfig(WebhookConfig value) {
        return toBuilder().config(value).build();
    }

    /**
     * A new current key; the replaced one keeps signing for {@code overlap}, beside those replaced
     * earlier that are still valid (the oldest dropped once five keys would sign).
     */
    public Webhook rotated(String newKey, long nowMillis, Duration overlap) {
        List<PreviousKey> kept = new ArrayList<>(MAX_SIGNING_KEYS - 1);
        kept.add(new PreviousKey(hmacKey, nowMillis + overlap.toMillis()));
        for (PreviousKey previous : previousKeys) {
            if (kept.size() == MAX_SIGNING_KEYS - 1) {
                break;
            }
            if (previous.expiresAt() > nowMillis) {
                kept.add(previous);
            }
        }
        return toBuilder().hmacKey(newKey).previousKeys(kept).build();
    }

    /** Names each field of a {@link Webhook}; {@link #build()} checks them as the record does. */
    public static final class Builder {
        private String orgId;
        private String id;
        private long createdAt;
        private String destination;
        private String version = VERSION;
        private boolean enabled = true;
        private String disabledReason;
        private WebhookConfig config;
        private String hmacKey;
        private List<PreviousKey> previousKeys = List.of();

        private Builder() {
        }

        public Builder orgId(String value) {
            orgId = value;
            return this;
        }

        public Builder id(String value) {
            id = value;
            return this;
        }

        public Builder createdAt(long value) {
            createdAt = value;
            return this;
        }

        public Builder destination(String value) {
            destination = value;
            return this;
        }

        public Builder version(String value) {
            version = value;
            return this;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder disabledReason(String value) {
            disabledReason = value;
            return this;
        }

        public Builder config(WebhookConfig value) {
            config = value;
            return this;
        }

        public Builder hmacKey(String value) {
            hmacKey = value;
            return this;
        }

        public Builder previousKeys(List<PreviousKey> value) {
            previousKeys = value;
            return this;
        }

        public Webhook build() {
            return new Webhook(orgId, id, createdAt, destination, version, enabled, disabledReason, config, hmacKey, previousKeys);
        }
    }
}
