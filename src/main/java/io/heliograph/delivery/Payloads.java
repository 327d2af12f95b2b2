package io.heliograph.delivery;

import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLog;
import io.heliograph.json.IsoTime;
import io.heliograph.json.JsJson;
import io.heliograph.webhook.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhook body for a logged request, written exactly as JavaScript's
 * {@code JSON.stringify(JSON.parse(x))} would, so receivers that verify by re-serialising keep working.
 */
public final class Payloads {
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
        if (webhook.config().includeData()) {
            putBody(payload, "request", log.requestBody());
            putBody(payload, "response", log.responseBody());
            payload.put("request_response_url", links.linkFor(log.orgId(), log.id()));
        }
        return JsJson.utf8(payload);
    }

    /** A body inline when it fits the limit; else left out, with {@code <name>_truncated: true}. */
    private void putBody(Map<String, Object> payload, String name, String json) {
        if (json == null) {
            payload.put(name, null);
        } else if (json.getBytes(StandardCharsets.UTF_8).length > inlineLimitBytes) {
            payload.put(name + "_truncated", true);
        } else {
            payload.put(name, JsJson.parse(json));
        }
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
            payload.put("request", JsJson.parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"This is a test from Heliograph\"}]}"));
            payload.put("response", JsJson.parse("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Test received.\"}}]}"));
        }
        payload.put("test", true);
        return JsJson.utf8(payload);
    }
}
