package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.NODES;
import static io.heliograph.ingest.llm.stream.EventFields.appendText;
import static io.heliograph.ingest.llm.stream.EventFields.eachIndexed;
import static io.heliograph.ingest.llm.stream.EventFields.present;
import static io.heliograph.ingest.llm.stream.EventFields.lastObject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OpenAI legacy completions chunks ({@code text_completion}) into one {@code text_completion}. */
public final class LegacyCompletionsStream implements StreamFormat {
    private static final class TextChoice {
        StringBuilder text;
        JsonNode finishReason = NullNode.getInstance();
    }

    @Override
    public JsonNode reassemble(List<JsonNode> events) {
        ChunkHeader header = new ChunkHeader();
        TreeMap<Integer, TextChoice> choices = new TreeMap<>();
        JsonNode usage = NullNode.getInstance();
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            header.take(event);
            usage = lastObject(usage, event.get("usage"));
            eachIndexed(event, "choices", choices, TextChoice::new, (choice, c) -> {
                choice.text = appendText(choice.text, c.get("text"));
                choice.finishReason = present(choice.finishReason, c, "finish_reason");
            });
        }
        ObjectNode result = NODES.objectNode();
        header.write(result, "text_completion");
        ArrayNode out = result.putArray("choices");
        for (Map.Entry<Integer, TextChoice> entry : choices.entrySet()) {
            ObjectNode c = out.addObject();
            c.put("index", entry.getKey());
            c.put("text", entry.getValue().text == null ? "" : entry.getValue().text.toString());
            c.set("finish_reason", entry.getValue().finishReason);
        }
        result.set("usage", usage);
        return result;
    }
}
