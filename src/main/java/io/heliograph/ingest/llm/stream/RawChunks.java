package io.heliograph.ingest.llm.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Events kept as they came, as {@code {"chunks":[…]}}: for streams of no known format, or cut off before their end. */
public final class RawChunks implements StreamFormat {
    @Override
    public JsonNode reassemble(List<JsonNode> events) {
        ObjectNode result = EventFields.NODES.objectNode();
        result.putArray("chunks").addAll(events);
        return result;
    }
}
