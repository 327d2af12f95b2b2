package io.heliograph.webhook;

import io.heliograph.api.ApiException;
import io.heliograph.store.TimeOrderedIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;

/** The webhook resource's behaviour: everything the routes do, with no HTTP in it. */
public final class WebhookService {
    public static final String NOT_FOUND = "Webhook not found";
    /** How long the key replaced by a rotation keeps signing. */
    public static final Duration PREVIOUS_KEY_VALIDITY = Duration.ofHours(24);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final BiConsumer<String, String> afterDelete;
    private final Clock clock;

    /** @param afterDelete told (org, webhook) once a webhook is deleted: its pending deliveries are to be cancelled */
    public WebhookService(WebhookStore store, BiConsumer<String, String> afterDelete, Clock clock) {
        this.store = store;
        this.afterDelete = afterDelete;
        this.clock = clock;
    }

    public Webhook create(String orgId, WebhookInput.NewWebhook input) {
        long now = clock.millis();
        Webhook webhook = Webhook.builder()
                .orgId(orgId)
                .id(TimeOrderedIds.next(now).toString())
                .createdAt(now)
                .destination(input.destination())
                .config(input.config())
                .hmacKey(newHmacKey())
                .build();
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
            if (patch.filter().isPresent()) {
                config = config.withFilter(patch.filter().get().orElse(null));
            }
            Webhook changed = w.withConfig(config);
            changed = patch.destination().map(changed::withDestination).orElse(changed);
            return patch.enabled().map(changed::withEnabled).orElse(changed);
        }).orElseThrow(WebhookService::notFound);
    }

    /**
     * Deletes the webhook: from this moment none of its deliveries is sent; its pending ones are then
     * cancelled in the background, in bounded batches.
     */
    public void delete(String orgId, String id) {
        if (!store.delete(orgId, id)) {
            throw notFound();
        }
        afterDelete.accept(orgId, id);
    }

    /** A new key signs from now on; the replaced one keeps signing beside it for 24 hours (see {@link Webhook#rotated}). */
    public Webhook rotateSecret(String orgId, String id) {
        long now = clock.millis();
        return store.update(orgId, id, w -> w.rotated(newHmacKey(), now, PREVIOUS_KEY_VALIDITY))
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
