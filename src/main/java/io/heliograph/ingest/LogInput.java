package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a log route's parser has read and checked, before any fact is derived. Both the Helicone
 * format and the plain format come down to this, so derivation is written once ({@link LogAssembler}).
 *
 * @param request           the parsed request body
 * @param requestRaw        its exact JSON text
 * @param response          the logical response (parsed JSON, reassembled stream, or a text node); null if none
 * @param responseRaw       its exact JSON text when it arrived as JSON, else null
 * @param responseText      the JSON string literal of a response that arrived as text, else null
 * @param outcome           how the exchange ended (log routes: always completed)
 */
public record LogInput(
        LogIdentity identity,
        String provider,
        String statedModel,
        int status,
        long startedAt,
        long endedAt,
        Long timeToFirstTokenMs,
        String requestUrl,
        JsonNode request,
        String requestRaw,
        JsonNode response,
        String responseRaw,
        String responseText,
        boolean streamed,
        Outcome outcome) {

    private static final String OMITTED = "null";

    public LogInput {
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * This input without the bodies named ({@code Helicone-Omit-Request}, {@code Helicone-Omit-Response}):
     * they are stored as JSON {@code null}, as the gateway stores them, while the parsed
     * {@link #request()} and {@link #response()} stay so the model and usage are still derived.
     */
    LogInput withoutBodies(boolean omitRequest, boolean omitResponse) {
        if (!omitRequest && !omitResponse) {
            return this;
        }
        return new LogInput(identity, provider, statedModel, status, startedAt, endedAt, timeToFirstTokenMs, requestUrl,
                request, omitRequest ? OMITTED : requestRaw, response, omitResponse ? OMITTED : responseRaw,
                omitResponse ? null : responseText, streamed, outcome);
    }

    /** A log input built by naming its fields; those not set are null, 0 or false. outcome is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names each field of a {@link LogInput}; {@link #build()} checks them as the record does. */
    public static final class Builder {
        private LogIdentity identity;
        private String provider;
        private String statedModel;
        private int status;
        private long startedAt;
        private long endedAt;
        private Long timeToFirstTokenMs;
        private String requestUrl;
        private JsonNode request;
        private String requestRaw;
        private JsonNode response;
        private String responseRaw;
        private String responseText;
        private boolean streamed;
        private Outcome outcome;

        private Builder() {
        }

        public Builder identity(LogIdentity value) {
            identity = value;
            return this;
        }

        public Builder provider(String value) {
            provider = value;
            return this;
        }

        public Builder statedModel(String value) {
            statedModel = value;
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

        public Builder requestUrl(String value) {
            requestUrl = value;
            return this;
        }

        public Builder request(JsonNode value) {
            request = value;
            return this;
        }

        public Builder requestRaw(String value) {
            requestRaw = value;
            return this;
        }

        public Builder response(JsonNode value) {
            response = value;
            return this;
        }

        public Builder responseRaw(String value) {
            responseRaw = value;
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

        public Builder outcome(Outcome value) {
            outcome = value;
            return this;
        }

        public LogInput build() {
            return new LogInput(identity, provider, statedModel, status, startedAt, endedAt, timeToFirstTokenMs, requestUrl,
                    request, requestRaw, response, responseRaw, responseText, streamed, outcome);
        }
    }
}
