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

    /** Standard Webhooks message ids may not contain '.'; ours are {@code msg_} and 32 hex digits. */
    public static String newId() {
        return "msg_" + java.util.UUID.randomUUID().toString().replace("-", "");
    }
}
