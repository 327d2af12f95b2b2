package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.firstNonEmpty;
import static io.heliograph.ingest.llm.stream.EventFields.orNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The id, created, model, system_fingerprint and service_tier of OpenAI chunks: first non-empty ones. */
final class ChunkHeader {
    private JsonNode id;
    private JsonNode created;
    private JsonNode model;
    private JsonNode fingerprint;
    private JsonNode serviceTier;

    void take(JsonNode event) {
        id = firstNonEmpty(id, event.get("id"));
        created = firstNonEmpty(created, event.get("created"));
        model = firstNonEmpty(model, event.get("model"));
        fingerprint = firstNonEmpty(fingerprint, event.get("system_fingerprint"));
        serviceTier = firstNonEmpty(serviceTier, event.get("service_tier"));
    }

    void write(ObjectNode result, String object) {
        result.set("id", orNull(id));
        result.put("object", object);
        result.set("created", orNull(created));
        result.set("model", orNull(model));
        if (fingerprint != null) {
            result.set("system_fingerprint", fingerprint);
        }
        if (serviceTier != null) {
            result.set("service_tier", serviceTier);
        }
    }
}
