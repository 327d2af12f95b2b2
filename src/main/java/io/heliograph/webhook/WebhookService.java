package io.heliograph.webhook;

import io.heliograph.delivery.DeliveryStore;
import io.heliograph.http.ApiException;
import io.heliograph.store.TimeOrderedIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** The webhook resource's behaviour: everything the routes do, with no HTTP in it. */
public final class WebhookService {
    public static final String NOT_FOUND = "Webhook not found";
    /** How long the key replaced by a rotation keeps signing. */
    public static final Duration PREVIOUS_KEY_VALIDITY = Duration.ofHours(24);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final Clock clock;

    public WebhookService(WebhookStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Webhook create(String orgId, WebhookInput.NewWebhook input) {
        long now = clock.millis();
        Webhook webhook = new Webhook(orgId, TimeOrderedIds.next(now).toString(), now, input.destination(),
                Webhook.VERSION, true, null, input.config(), newHmacKey(), null, null);
        store.insert(webhook);
        return webhook;
    }

    public List<Webhook> list(String orgId) {
        return store.list(orgId);
    }

    public Webhook get(String orgId, String id) {
        return store.find(orgId, id).orElseThrow(WebhookService::notFound);
    }

    public Webhook patch(String orgId, String id, WebhookInput.WebhookPatch patch) {
        return store.update(orgId, id, w -> {
            WebhookConfig config = w.config();
            config = patch.sampleRate().map(config::withSampleRate).orElse(config);
            config = patch.propertyFilters().map(config::withPropertyFilters).orElse(config);
            config = patch.includeData().map(config::withIncludeData).orElse(config);
            boolean enabled = patch.enabled().orElse(w.enabled());
            // Re-enabling clears the reason Heliograph disabled it; disabling by hand gives none.
            String reason = enabled ? null : w.disabledReason();
            return new Webhook(w.orgId(), w.id(), w.createdAt(), patch.destination().orElse(w.destination()), w.version(),
                    enabled, reason, config, w.hmacKey(), w.previousHmacKey(), w.previousKeyExpiresAt());
        }).orElseThrow(WebhookService::notFound);
    }

    /** Deletes the webhook and, in the same transaction, cancels its pending deliveries. */
    public void delete(String orgId, String id) {
        if (!store.delete(orgId, id, h -> DeliveryStore.cancelPending(h, orgId, id, clock.millis()))) {
            throw notFound();
        }
    }

    /** A new key signs from now on; the current one keeps signing beside it for 24 hours. */
    public Webhook rotateSecret(String orgId, String id) {
        long now = clock.millis();
        return store.update(orgId, id, w -> new Webhook(w.orgId(), w.id(), w.createdAt(), w.destination(), w.version(),
                        w.enabled(), w.disabledReason(), w.config(), newHmacKey(), w.hmacKey(),
                        now + PREVIOUS_KEY_VALIDITY.toMillis()))
                .orElseThrow(WebhookService::notFound);
    }

    private static String newHmacKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static ApiException notFound() {
        return ApiException.notFound(NOT_FOUND);
    }
}
