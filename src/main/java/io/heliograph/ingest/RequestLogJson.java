package io.heliograph.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.heliograph.json.IsoTime;
import io.heliograph.json.Json;
import java.util.List;

/** A log as {@code GET /v1/request/{id}} and {@code GET /v1/requests} show it. Bodies are written as stored, untouched. */
public final class RequestLogJson {
    private RequestLogJson() {
    }

    public static ObjectNode of(RequestLog log) {
        ObjectNode node = Json.object();
        node.put("request_id", log.id());
        node.put("created_at", IsoTime.format(log.startedAt()));
        node.put("ended_at", IsoTime.format(log.endedAt()));
        node.put("provider", log.provider());
        node.put("model", log.model());
        node.put("user_id", log.userId());
        node.put("status", log.status());
        node.put("outcome", log.outcome().wireName());
        ObjectNode properties = node.putObject("properties");
        log.properties().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> properties.put(e.getKey(), e.getValue()));
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("promptTokens", log.usage().promptTokens());
        metadata.put("completionTokens", log.usage().completionTokens());
        metadata.put("totalTokens", log.usage().totalTokens());
        metadata.put("latencyMs", log.latencyMs());
        metadata.put("timeToFirstTokenMs", log.timeToFirstTokenMs());
        metadata.put("cost", log.cost());
        node.put("streamed", log.streamed());
        node.put("request_url", log.requestUrl());
        if (log.requestBody() != null) {
            node.putRawValue("request", new RawValue(log.requestBody()));
            if (log.responseBody() == null) {
                node.putNull("response");
            } else {
                node.putRawValue("response", new RawValue(log.responseBody()));
            }
            if (log.responseText() != null) {
                node.putRawValue("response_text", new RawValue(log.responseText()));
            }
        }
        return node;
    }

    public static ArrayNode of(List<RequestLog> logs) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        logs.forEach(log -> items.add(of(log)));
        return items;
    }
}
