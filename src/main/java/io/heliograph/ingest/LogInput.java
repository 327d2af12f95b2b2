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

    public LogInput {
        java.util.Objects.requireNonNull(outcome, "outcome");
    }
}
