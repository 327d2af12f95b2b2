package io.heliograph.delivery;

import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Provider;
import io.heliograph.webhook.PropertyFilter;
import io.heliograph.webhook.Webhook;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** Which webhooks a logged request goes to: sampling, property filters and the filter expression (SPEC §8). Pure. */
public final class Matching {
    /** Sampling buckets: a rate of r % sends the requests whose bucket is below r × 100. */
    static final int BUCKETS = 10_000;

    private Matching() {
    }

    public static boolean matches(Webhook webhook, RequestLog log) {
        return webhook.enabled()
                && filtersMatch(webhook, log)
                && (webhook.config().filter() == null || webhook.config().filter().matches(new LogSubject(log)))
                && sampled(webhook.id(), log.id(), webhook.config().sampleRate());
    }

    /**
     * Deterministic per (webhook, request): the same pair always lands in the same bucket, so a
     * retry, a replay or a second server agrees with the first decision.
     */
    public static boolean sampled(String webhookId, String requestId, double sampleRate) {
        return bucket(webhookId, requestId) < sampleRate * 100;
    }

    static int bucket(String webhookId, String requestId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(webhookId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) ':');
            sha.update(requestId.getBytes(StandardCharsets.UTF_8));
            long first8 = ByteBuffer.wrap(sha.digest()).getLong();
            return (int) Long.remainderUnsigned(first8, BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** All filters must match (AND); an empty list matches everything. */
    static boolean filtersMatch(Webhook webhook, RequestLog log) {
        for (PropertyFilter filter : webhook.config().propertyFilters()) {
            if (!filterMatches(filter, log)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A key is looked up in the request's properties first (keys are lower-case, as they arrive in
     * HTTP headers), then among the built-in fields; values compare as exact strings, except the
     * provider, whose names compare case-insensitively.
     */
    static boolean filterMatches(PropertyFilter filter, RequestLog log) {
        String key = filter.key().toLowerCase(Locale.ROOT);
        String property = log.properties().get(key);
        if (property != null) {
            return property.equals(filter.value());
        }
        return switch (key) {
            case "model" -> filter.value().equals(log.model());
            case "user_id" -> filter.value().equals(log.userId());
            case "provider" -> Provider.same(filter.value(), log.provider());
            default -> false;
        };
    }
}
