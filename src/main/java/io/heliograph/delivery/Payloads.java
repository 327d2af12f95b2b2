package io.heliograph.delivery;

import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLog;
import io.heliograph.json.IsoTime;
import io.heliograph.json.JsJson;
import io.heliograph.webhook.Webhook;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhook body for a logged request, written exactly as JavaScript's
 * {@code JSON.stringify(JSON.parse(x))} would, so receivers that verify by re-serialising keep working.
 */
public final class Payloads {
    /**
     * Helicone's sender replaces a {@code request_body} / {@code response_body} longer than this many
     * UTF-16 code units (JavaScript's {@code string.length}) by {@link #BODY_TOO_LARGE}.
     */
    public static final int HELICONE_BODY_LIMIT = 10 * 1024;
    /** Helicone's own text, word for word, so receivers that test for it keep working. */
    public static final String BODY_TOO_LARGE =
            "Body too large for webhook, please fetch the full request and response from Helicone";

    private final long inlineLimitBytes;
    private final BodyLinks links;

    public Payloads(long inlineLimitBytes, BodyLinks links) {
        this.inlineLimitBytes = inlineLimitBytes;
        this.links = links;
    }

    public byte[] build(Webhook webhook, RequestLog log) {
        Map<String, Object> payload = JsJson.object();
        payload.put("request_id", log.id());
        payload.put("model", log.model());
        payload.put("provider", log.provider());
        payload.put("user_id", log.userId());
        payload.put("created_at", IsoTime.format(log.startedAt()));
        payload.put("status", log.status());
        Map<String, Object> properties = new LinkedHashMap<>(new TreeMap<>(log.properties()));
        if (log.userId() != null) {
            properties.put("user_id", log.userId());
        }
        payload.put("properties", properties);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("promptTokens", log.usage().promptTokens());
        metadata.put("completionTokens", log.usage().completionTokens());
        metadata.put("totalTokens", log.usage().totalTokens());
        metadata.put("latencyMs", log.latencyMs());
        metadata.put("cost", log.cost());
        payload.put("metadata", metadata);
        if (log.outcome() != Outcome.COMPLETED) {
            // Only exchanges the gateway saw cut short say so; a completed one keeps Helicone's shape.
            payload.put("outcome", log.outcome().wireName());
        }
        int expectedChars = 512;
        if (webhook.config().includeData()) {
            // Each body is parsed and written once: the same text goes inline and, as a string, into
            // request_body / response_body.
            JsJson.Stringified request = stringified(log.requestBody());
            JsJson.Stringified response = stringified(log.responseBody());
            putInline(payload, "request", log.requestBody(), request);
            putInline(payload, "response", log.responseBody(), response);
            payload.put("request_body", heliconeBody(request));
            payload.put("response_body", heliconeBody(response));
            payload.put("request_response_url", links.linkFor(log.orgId(), log.id()));
            // Inline, then again as a string (quotes escaped): about three times the text.
            expectedChars += 3 * (length(request) + length(response));
        }
        return JsJson.utf8(payload, expectedChars);
    }

    /** The body's text as JavaScript writes it; null for no body and for a JSON {@code null} one. */
    private static JsJson.Stringified stringified(String json) {
        return json == null ? null : JsJson.canonicalStringified(json);
    }

    private static int length(JsJson.Stringified body) {
        return body == null ? 0 : body.text().length();
    }

    /** A body inline when it fits the limit; else left out, with {@code <name>_truncated: true}. */
    private void putInline(Map<String, Object> payload, String name, String json, JsJson.Stringified body) {
        if (json != null && utf8Length(json) > inlineLimitBytes) {
            payload.put(name + "_truncated", true);
        } else {
            payload.put(name, body);
        }
    }

    /**
     * {@code s.getBytes(UTF_8).length} without encoding: a lone surrogate counts as the one byte of
     * the {@code ?} the JDK's encoder writes for it.
     */
    static long utf8Length(String s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Helicone's {@code request_body} / {@code response_body}: the body as JSON text (as
     * {@code JSON.stringify} writes it), or {@link #BODY_TOO_LARGE} when that text is longer than
     * {@value #HELICONE_BODY_LIMIT}; null when there is no body (none sent, or omitted).
     */
    static String heliconeBody(Object parsedBody) {
        return parsedBody == null ? null : heliconeBody(JsJson.stringified(parsedBody));
    }

    private static String heliconeBody(JsJson.Stringified body) {
        if (body == null) {
            return null;
        }
        String text = body.text();
        return text.length() > HELICONE_BODY_LIMIT ? BODY_TOO_LARGE : text;
    }

    /** What {@code POST /v1/webhooks/{id}/test} sends: a payload of the usual shape, marked as a test. */
    public static byte[] sample(Webhook webhook, long now) {
        Map<String, Object> payload = JsJson.object();
        payload.put("request_id", "00000000-0000-0000-0000-000000000000");
        payload.put("model", "gpt-4o");
        payload.put("provider", "OPENAI");
        payload.put("user_id", "user_123");
        payload.put("created_at", IsoTime.format(now));
        payload.put("status", 200);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("test", "true");
        properties.put("user_id", "user_123");
        payload.put("properties", properties);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("promptTokens", 13);
        metadata.put("completionTokens", 17);
        metadata.put("totalTokens", 30);
        metadata.put("latencyMs", 930);
        metadata.put("cost", 0.0002025);
        payload.put("metadata", metadata);
        if (webhook.config().includeData()) {
            Object request = JsJson.parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"This is a test from Heliograph\"}]}");
            Object response = JsJson.parse("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Test received.\"}}]}");
            payload.put("request", request);
            payload.put("response", response);
            payload.put("request_body", heliconeBody(request));
            payload.put("response_body", heliconeBody(response));
        }
        payload.put("test", true);
        return JsJson.utf8(payload);
    }
}
