package io.heliograph.ingest;

import io.heliograph.ingest.llm.Usage;
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

    /**
     * A request log built by naming its fields; those not set are null, 0 or false. orgId, id,
     * provider, properties, usage and outcome are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Names each field of a {@link RequestLog}; {@link #build()} checks them as the record does. */
    public static final class Builder {
        private String orgId;
        private String id;
        private String provider;
        private String model;
        private String userId;
        private int status;
        private long startedAt;
        private long endedAt;
        private Long timeToFirstTokenMs;
        private Map<String, String> properties;
        private String requestUrl;
        private String requestBody;
        private String responseBody;
        private String responseText;
        private boolean streamed;
        private Usage usage;
        private Double cost;
        private Outcome outcome;

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

        public Builder provider(String value) {
            provider = value;
            return this;
        }

        public Builder model(String value) {
            model = value;
            return this;
        }

        public Builder userId(String value) {
            userId = value;
            return this;
        }

        public Builder status(int value) {
            status = value;
            return this;
        }

        public Builder startedAt(long value) {
            startedAt = value;
            return this;
        }

        public Builder endedAt(long value) {
            endedAt = value;
            return this;
        }

        public Builder timeToFirstTokenMs(Long value) {
            timeToFirstTokenMs = value;
            return this;
        }

        public Builder properties(Map<String, String> value) {
            properties = value;
            return this;
        }

        public Builder requestUrl(String value) {
            requestUrl = value;
            return this;
        }

        public Builder requestBody(String value) {
            requestBody = value;
            return this;
        }

        public Builder responseBody(String value) {
            responseBody = value;
            return this;
        }

        public Builder responseText(String value) {
            responseText = value;
            return this;
        }

        public Builder streamed(boolean value) {
            streamed = value;
            return this;
        }

        public Builder usage(Usage value) {
            usage = value;
            return this;
        }

        public Builder cost(Double value) {
            cost = value;
            return this;
        }

        public Builder outcome(Outcome value) {
            outcome = value;
            return this;
        }

        public RequestLog build() {
            return new RequestLog(orgId, id, provider, model, userId, status, startedAt, endedAt, timeToFirstTokenMs, properties,
                    requestUrl, requestBody, responseBody, responseText, streamed, usage, cost, outcome);
        }
    }
}
