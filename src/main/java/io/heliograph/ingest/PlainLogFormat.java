package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import io.heliograph.http.JsonBodies;
import io.heliograph.ingest.llm.Provider;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/request/log}: the same facts as Helicone's format, as plain JSON —
 * {@code {request_id?, model?, provider?, user_id?, properties{}, request{}, response, status,
 * started_at, ended_at, time_to_first_token_ms?, request_url?}}.
 */
public final class PlainLogFormat {
    /** The values whose text is kept as it came. */
    private static final Set<String> RAW = Set.of("/request", "/response");

    private PlainLogFormat() {
    }

    /** @param httpHeaders the Helicone headers of the call ({@code Helicone-Omit-Request} / {@code -Response} count) */
    public static LogInput parse(byte[] body, Map<String, String> httpHeaders) {
        RawJson.Parsed parsed = RawJson.parse(body, RAW);
        JsonNode root = parsed.root();
        if (!root.isObject()) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
        JsonNode request = LogFields.object(root, "request", "request");
        JsonNode response = LogFields.field(root, "response").orElse(null);
        int status = LogFields.status(root, "status", "status");
        long startedAt = LogFields.isoTime(root, "started_at");
        long endedAt = LogFields.isoTime(root, "ended_at");
        LogFields.requireOrder(startedAt, endedAt, "ended_at is before started_at");
        Long timeToFirstToken = LogFields.optionalMillis(root, "time_to_first_token_ms", "time_to_first_token_ms").orElse(null);

        String model = LogFields.optionalString(root, "model", "model").orElse(null);
        if (model != null && (model.length() > LogAssembler.MAX_MODEL_LENGTH || !StorableText.isStorable(model))) {
            throw ApiException.badRequest("model must be at most " + LogAssembler.MAX_MODEL_LENGTH
                    + " characters of storable text");
        }
        String url = LogFields.optionalString(root, "request_url", "request_url").orElse(null);
        StorableText.require(url, "request_url");
        String provider = LogFields.optionalString(root, "provider", "provider")
                .flatMap(Provider::stated)
                .or(() -> Provider.ofUrl(url))
                .orElse(Provider.CUSTOM);
        if (provider.length() > Provider.MAX_LENGTH || !StorableText.isStorable(provider)) {
            throw ApiException.badRequest("provider must be at most " + Provider.MAX_LENGTH + " characters");
        }

        LogIdentity identity = LogIdentity.of(
                LogFields.optionalString(root, "request_id", "request_id").orElse(null), "request_id",
                LogFields.optionalString(root, "user_id", "user_id").orElse(null), "user_id",
                properties(root));

        Map<String, String> raw = parsed.raw();
        LogInput input = LogInput.builder()
                .identity(identity)
                .provider(provider)
                .statedModel(model)
                .status(status)
                .startedAt(startedAt)
                .endedAt(endedAt)
                .timeToFirstTokenMs(timeToFirstToken)
                .requestUrl(url)
                .request(request)
                .requestRaw(raw.get("/request"))
                .response(response)
                .responseRaw(response == null ? null : raw.get("/response"))
                .outcome(Outcome.COMPLETED)
                .build();
        return HeliconeHeaders.honourOmissions(httpHeaders, input);
    }

    private static Map<String, String> properties(JsonNode root) {
        Map<String, String> properties = new LinkedHashMap<>();
        LogFields.field(root, "properties").ifPresent(node -> {
            if (!node.isObject()) {
                throw ApiException.badRequest("properties must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw ApiException.badRequest("properties must be an object of strings");
                }
                properties.put(e.getKey(), e.getValue().textValue());
            }
        });
        return properties;
    }
}
