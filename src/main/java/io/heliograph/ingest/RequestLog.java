package io.heliograph.ingest;

import java.util.Map;
import java.util.Objects;

/**
 * One logged LLM request: the facts derived from it and its bodies as the exact JSON text received.
 *
 * @param startedAt          when the request started (epoch ms) — the log's {@code created_at}
 * @param properties         lower-cased keys, exact values
 * @param requestBody        the request body's JSON text, untouched; null only in list reads, which leave bodies out
 * @param responseBody       the response as JSON text: untouched when it came as JSON; when it came as
 *                           text, the JSON it holds or the stream reassembled into one response; null if none
 * @param responseText       when the response came as text: that text as the JSON string literal received
 * @param cost               USD, null when the model's price is unknown
 * @param outcome            how the exchange ended
 */
public record RequestLog(
        String orgId,
        String id,
        String provider,
        String model,
        String userId,
        int status,
        long startedAt,
        long endedAt,
        Long timeToFirstTokenMs,
        Map<String, String> properties,
        String requestUrl,
        String requestBody,
        String responseBody,
        String responseText,
        boolean streamed,
        Usage usage,
        Double cost,
        Outcome outcome) {

    public RequestLog {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(outcome, "outcome");
        properties = Map.copyOf(properties);
        if (endedAt < startedAt) {
            throw new IllegalArgumentException("ended before it started");
        }
    }

    public long latencyMs() {
        return endedAt - startedAt;
    }
}
