package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import io.heliograph.http.JsonBodies;
import io.heliograph.ingest.llm.Provider;
import io.heliograph.ingest.llm.ResponseText;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Helicone's async log body:
 * {@code {providerRequest:{url,json,meta}, providerResponse:{json,status,headers,textBody?},
 * timing:{startTime:{seconds,milliseconds}, endTime:{…}, timeToFirstToken?}, provider?}}. The Helicone
 * headers (HTTP headers of the call, or entries of {@code meta}) give the identity and may omit bodies.
 */
public final class HeliconeLogFormat {
    private static final String REQUEST_JSON = "/providerRequest/json";
    private static final String RESPONSE_JSON = "/providerResponse/json";
    private static final String RESPONSE_TEXT = "/providerResponse/textBody";
    /** The values whose text is kept as it came. */
    private static final Set<String> RAW = Set.of(REQUEST_JSON, RESPONSE_JSON, RESPONSE_TEXT);

    private HeliconeLogFormat() {
    }

    /**
     * @param routeProvider the provider the route implies (CUSTOM for {@code /custom/v1/log})
     * @param httpHeaders   the Helicone headers of the log call itself
     */
    public static LogInput parse(byte[] body, String routeProvider, Map<String, String> httpHeaders) {
        RawJson.Parsed document = RawJson.parse(body, RAW);
        JsonNode root = document.root();
        if (!root.isObject()) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
        JsonNode request = LogFields.object(root, "providerRequest", "providerRequest");
        JsonNode requestJson = LogFields.field(request, "json")
                .orElseThrow(() -> ApiException.badRequest("providerRequest.json is required"));
        String url = LogFields.optionalString(request, "url", "providerRequest.url").orElse(null);
        Map<String, String> meta = LogFields.field(request, "meta")
                .map(m -> {
                    if (!m.isObject()) {
                        throw ApiException.badRequest("providerRequest.meta must be an object");
                    }
                    return HeliconeHeaders.ofMeta(m);
                })
                .orElse(Map.of());

        JsonNode response = LogFields.object(root, "providerResponse", "providerResponse");
        int status = LogFields.status(response, "status", "providerResponse.status");
        Optional<String> textBody = LogFields.optionalString(response, "textBody", "providerResponse.textBody");

        JsonNode timing = LogFields.object(root, "timing", "timing");
        long startedAt = LogFields.heliconeTime(timing, "startTime");
        long endedAt = LogFields.heliconeTime(timing, "endTime");
        LogFields.requireOrder(startedAt, endedAt, "timing.endTime is before timing.startTime");
        Long timeToFirstToken = LogFields.optionalMillis(timing, "timeToFirstToken", "timing.timeToFirstToken").orElse(null);

        String provider = LogFields.optionalString(root, "provider", "provider")
                .flatMap(Provider::stated)
                .or(() -> Provider.CUSTOM.equals(routeProvider) ? Provider.ofUrl(url) : Optional.of(routeProvider))
                .orElse(Provider.CUSTOM);
        if (provider.length() > Provider.MAX_LENGTH || !StorableText.isStorable(provider)) {
            throw ApiException.badRequest("provider must be at most " + Provider.MAX_LENGTH + " characters");
        }
        if (url != null) {
            StorableText.require(url, "providerRequest.url");
        }

        LogIdentity identity = HeliconeHeaders.identity(httpHeaders, meta);
        Map<String, String> raw = document.raw();

        // A response sent as text wins: Helicone's loggers send json {} beside it.
        JsonNode logical;
        String responseRaw;
        String responseText;
        boolean streamed;
        if (textBody.isPresent()) {
            ResponseText parsed = ResponseText.parse(textBody.get());
            logical = parsed.response();
            streamed = parsed.streamed();
            // The text itself is kept untouched (as its JSON string literal); the logical response
            // recovered from it is stored as JSON written afresh.
            responseText = raw.get(RESPONSE_TEXT);
            responseRaw = null;
        } else {
            logical = LogFields.field(response, "json").orElse(null);
            responseRaw = logical == null ? null : raw.get(RESPONSE_JSON);
            responseText = null;
            streamed = false;
        }
        LogInput input = LogInput.builder()
                .identity(identity)
                .provider(provider)
                .status(status)
                .startedAt(startedAt)
                .endedAt(endedAt)
                .timeToFirstTokenMs(timeToFirstToken)
                .requestUrl(url)
                .request(requestJson)
                .requestRaw(raw.get(REQUEST_JSON))
                .response(logical)
                .responseRaw(responseRaw)
                .responseText(responseText)
                .streamed(streamed)
                .outcome(Outcome.COMPLETED)
                .build();
        return HeliconeHeaders.honourOmissions(HeliconeHeaders.merged(httpHeaders, meta), input);
    }
}
