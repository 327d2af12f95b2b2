package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** OpenAI Responses API events: the response their final event carries. */
public final class ResponsesApiStream implements StreamFormat {
    private static final Set<String> FINAL = Set.of("response.completed", "response.incomplete",
            "response.failed");
    private static final StreamFormat CUT_OFF = new RawChunks();

    @Override
    public JsonNode reassemble(List<JsonNode> events) {
        JsonNode last = null;
        for (JsonNode event : events) {
            String type = event.isObject() ? text(event.get("type")) : null;
            if (type != null && FINAL.contains(type) && event.path("response").isObject()) {
                last = event.get("response");
            }
        }
        // Without its final event the stream was cut off; its events are kept as they are.
        return last != null ? last : CUT_OFF.reassemble(events);
    }
}
