package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.NODES;
import static io.heliograph.ingest.llm.stream.EventFields.appendText;
import static io.heliograph.ingest.llm.stream.EventFields.nonEmptyText;
import static io.heliograph.ingest.llm.stream.EventFields.orNull;
import static io.heliograph.ingest.llm.stream.EventFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Anthropic messages events ({@code message_start} … {@code message_stop}) into one {@code message}. */
public final class AnthropicMessagesStream implements StreamFormat {
    private final ObjectMapper toolInput;

    /**
     * @param toolInput parses a tool call's input (sent as pieces of JSON text); its nesting limit should be
     *     shallower than the events', so the message holding the input stays within limits
     */
    public AnthropicMessagesStream(ObjectMapper toolInput) {
        this.toolInput = toolInput;
    }

    private static final class Block {
        final ObjectNode base;
        StringBuilder text;
        StringBuilder partialJson;
        StringBuilder thinking;
        StringBuilder signature;
        ArrayNode citations;

        Block(ObjectNode base) {
            this.base = base;
            text = existing(base, "text");
            thinking = existing(base, "thinking");
            signature = existing(base, "signature");
        }

        private static StringBuilder existing(ObjectNode base, String field) {
            JsonNode value = base.get(field);
            return value != null && value.isTextual() ? new StringBuilder(value.textValue()) : null;
        }

        JsonNode build(ObjectMapper toolInput) {
            if (text != null) {
                base.put("text", text.toString());
            }
            if (thinking != null) {
                base.put("thinking", thinking.toString());
            }
            if (signature != null) {
                base.put("signature", signature.toString());
            }
            if (citations != null) {
                base.set("citations", citations);
            }
            if (partialJson != null && !partialJson.toString().isBlank()) {
                String json = partialJson.toString();
                base.set("input", parseToolInput(toolInput, json));
            } else if (("tool_use".equals(text(base.get("type"))) || partialJson != null) && !base.has("input")) {
                base.putObject("input");
            }
            return base;
        }
    }

    private static JsonNode parseToolInput(ObjectMapper mapper, String json) {
        try {
            JsonNode input = mapper.readTree(json);
            return input == null || input.isMissingNode() ? TextNode.valueOf(json) : input;
        } catch (Exception e) {
            return TextNode.valueOf(json); // a cut-off stream leaves partial JSON: keep what arrived
        }
    }

    @Override
    public JsonNode reassemble(List<JsonNode> events) {
        ObjectNode start = null;
        TreeMap<Integer, Block> blocks = new TreeMap<>();
        Integer lastBlock = null;
        JsonNode stopReason = null;
        JsonNode stopSequence = null;
        List<JsonNode> usageDeltas = new ArrayList<>();
        JsonNode error = null;
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            String type = text(event.get("type"));
            if (type == null) {
                continue;
            }
            switch (type) {
                case "message_start" -> {
                    JsonNode message = event.get("message");
                    if (message != null && message.isObject() && start == null) {
                        start = message.deepCopy();
                    }
                }
                case "content_block_start" -> {
                    int index = blockIndex(event, blocks, lastBlock, true);
                    JsonNode block = event.get("content_block");
                    ObjectNode base = block != null && block.isObject() ? block.deepCopy() : NODES.objectNode();
                    blocks.put(index, new Block(base));
                    lastBlock = index;
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.get("delta");
                    if (delta == null || !delta.isObject()) {
                        continue;
                    }
                    int index = blockIndex(event, blocks, lastBlock, false);
                    lastBlock = index;
                    Block block = blocks.computeIfAbsent(index, i -> new Block(blockFor(delta)));
                    blockDelta(block, delta);
                }
                case "message_delta" -> {
                    JsonNode delta = event.get("delta");
                    if (delta != null && delta.isObject()) {
                        if (delta.has("stop_reason")) {
                            stopReason = delta.get("stop_reason");
                        }
                        if (delta.has("stop_sequence")) {
                            stopSequence = delta.get("stop_sequence");
                        }
                    }
                    JsonNode usage = event.get("usage");
                    if (usage != null && usage.isObject()) {
                        usageDeltas.add(usage);
                    }
                }
                case "error" -> error = event;
                default -> {
                    // content_block_stop, message_stop, ping: nothing to take
                }
            }
        }
        if (start == null && blocks.isEmpty() && error != null) {
            return error.deepCopy(); // the stream failed before it began: the error is the response
        }

        ObjectNode result = NODES.objectNode();
        result.set("id", start == null ? NullNode.getInstance() : orNull(start.get("id")));
        result.put("type", "message");
        String role = start == null ? null : nonEmptyText(start.get("role"));
        result.put("role", role == null ? "assistant" : role);
        result.set("model", start == null ? NullNode.getInstance() : orNull(start.get("model")));
        ArrayNode content = result.putArray("content");
        if (start != null && start.path("content").isArray() && blocks.isEmpty()) {
            content.addAll((ArrayNode) start.get("content")); // (normally empty at message_start)
        }
        for (Block block : blocks.values()) {
            content.add(block.build(toolInput));
        }
        result.set("stop_reason", stopReason != null ? stopReason
                : start == null ? NullNode.getInstance() : orNull(start.get("stop_reason")));
        result.set("stop_sequence", stopSequence != null ? stopSequence
                : start == null ? NullNode.getInstance() : orNull(start.get("stop_sequence")));
        ObjectNode usage = start != null && start.path("usage").isObject()
                ? (ObjectNode) start.get("usage") : NODES.objectNode();
        for (JsonNode delta : usageDeltas) {
            for (Map.Entry<String, JsonNode> field : delta.properties()) {
                if (!field.getValue().isNull()) {
                    usage.set(field.getKey(), field.getValue().deepCopy());
                }
            }
        }
        result.set("usage", usage);
        if (start != null) {
            // Anything else message_start said (e.g. container) is kept.
            for (Map.Entry<String, JsonNode> field : start.properties()) {
                if (!result.has(field.getKey())) {
                    result.set(field.getKey(), field.getValue());
                }
            }
        }
        if (error != null) {
            result.set("error", orNull(error.get("error")));
        }
        return result;
    }

    private static int blockIndex(JsonNode event, TreeMap<Integer, Block> blocks, Integer lastBlock, boolean isStart) {
        JsonNode index = event.get("index");
        if (index != null && index.isIntegralNumber() && index.canConvertToInt()) {
            return index.intValue();
        }
        if (!isStart && lastBlock != null) {
            return lastBlock; // a delta without an index belongs to the block in progress
        }
        return blocks.isEmpty() ? 0 : blocks.lastKey() + 1;
    }

    /** A block for a delta that came without its content_block_start. */
    private static ObjectNode blockFor(JsonNode delta) {
        ObjectNode base = NODES.objectNode();
        switch (String.valueOf(text(delta.get("type")))) {
            case "input_json_delta" -> {
                base.put("type", "tool_use");
            }
            case "thinking_delta", "signature_delta" -> {
                base.put("type", "thinking");
            }
            default -> {
                base.put("type", "text");
            }
        }
        return base;
    }

    private static void blockDelta(Block block, JsonNode delta) {
        switch (String.valueOf(text(delta.get("type")))) {
            case "text_delta" -> block.text = appendText(block.text, delta.get("text"));
            case "input_json_delta" -> block.partialJson = appendText(block.partialJson, delta.get("partial_json"));
            case "thinking_delta" -> block.thinking = appendText(block.thinking, delta.get("thinking"));
            case "signature_delta" -> block.signature = appendText(block.signature, delta.get("signature"));
            case "citations_delta" -> {
                JsonNode citation = delta.get("citation");
                if (citation != null && !citation.isNull()) {
                    if (block.citations == null) {
                        JsonNode existing = block.base.get("citations");
                        block.citations = existing != null && existing.isArray()
                                ? (ArrayNode) existing : NODES.arrayNode();
                    }
                    block.citations.add(citation.deepCopy());
                }
            }
            default -> {
                // Unknown delta kinds carry nothing this reassembly knows how to place.
            }
        }
    }
}
