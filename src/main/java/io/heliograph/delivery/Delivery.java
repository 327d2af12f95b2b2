package io.heliograph.delivery;

import java.util.List;

/** A delivery of one logged request to one webhook, with the attempts made so far (when loaded). */
public record Delivery(
        String id,
        String orgId,
        String webhookId,
        String requestId,
        DeliveryStatus status,
        int attemptsCount,
        Long nextAttemptAt,
        long createdAt,
        List<Attempt> attempts) {

    /**
     * Standard Webhooks message ids may not contain '.'; ours are {@code msg_} and the 32 hex digits
     * of a time-ordered UUID, so deliveries made in one millisecond still list in creation order.
     */
    public static String newId(long nowMillis) {
        return "msg_" + io.heliograph.store.TimeOrderedIds.next(nowMillis).toString().replace("-", "");
    }
}
