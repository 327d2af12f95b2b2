package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds the one response a streamed LLM call would have returned unstreamed, from its stream events:
 * OpenAI chat completions chunks, OpenAI legacy completions chunks, Anthropic messages events, Google
 * Gemini chunks, and OpenAI Responses API events. Events of no known format come back as
 * {@code {"chunks":[…]}}.
 */
public final class StreamReassembler {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** For Anthropic tool input: shallower than events, so the message holding it stays within limits. */
    private static final ObjectMapper TOOL_INPUT = ResponseText.mapper(ResponseText.MAX_NESTING_DEPTH - 10);

    private static final Set<String> ANTHROPIC_TYPES = Set.of("message_start", "content_block_start",
            "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    private static final Set<String> RESPONSES_FINAL = Set.of("response.completed", "response.incomplete",
            "response.failed");

    private enum Format { CHAT, LEGACY, ANTHROPIC, GEMINI, RESPONSES, UNKNOWN }

    private StreamReassembler() {
    }

    /**
     * One response object from stream events (parsed JSON objects, in order). Never throws: null events
     * are skipped, events that are not objects are ignored by the known formats, and whatever cannot be
     * reassembled comes back as {@code {"chunks":[…]}}. The events themselves are not modified.
     */
    public static JsonNode reassemble(List<JsonNode> events) {
        List<JsonNode> list = new ArrayList<>();
        if (events != null) {
            for (JsonNode event : events) {
                if (event != null) {
                    list.add(event);
                }
            }
        }
        try {
            return switch (detect(list)) {
                case CHAT -> chat(list);
                case LEGACY -> legacy(list);
                case ANTHROPIC -> anthropic(list);
                case GEMINI -> gemini(list);
                case RESPONSES -> responses(list);
                case UNKNOWN -> chunks(list);
            };
        } catch (RuntimeException | StackOverflowError e) {
            return chunks(list); // untrusted input: keep the events rather than fail the log
        }
    }

    // ---------------------------------------------------------------- detection

    private static Format detect(List<JsonNode> events) {
        Format weak = Format.UNKNOWN;
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            String type = text(event.get("type"));
            if (type != null) {
                if (type.startsWith("response.")) {
                    return Format.RESPONSES;
                }
                if (ANTHROPIC_TYPES.contains(type)) {
                    return Format.ANTHROPIC;
                }
                if (weak == Format.UNKNOWN && (type.equals("ping")
                        || type.equals("error") && event.path("error").isObject())) {
                    weak = Format.ANTHROPIC;
                }
            }
            String object = text(event.get("object"));
            if ("chat.completion.chunk".equals(object)) {
                return Format.CHAT;
            }
            if ("text_completion".equals(object)) {
                return Format.LEGACY;
            }
            JsonNode choices = event.get("choices");
            if (choices != null && choices.isArray()) {
                for (JsonNode choice : choices) {
                    if (choice.path("delta").isObject()) {
                        return Format.CHAT;
                    }
                    if (choice.path("text").isTextual()) {
                        return Format.LEGACY;
                    }
                }
                if (weak == Format.UNKNOWN) {
                    weak = Format.CHAT; // e.g. only Azure's prompt-filter chunk, or only a usage chunk
                }
            }
            JsonNode candidates = event.get("candidates");
            if (candidates != null && candidates.isArray()) {
                return Format.GEMINI;
            }
            if (weak == Format.UNKNOWN && event.path("usageMetadata").isObject()) {
                weak = Format.GEMINI;
            }
        }
        return weak;
    }

    // ---------------------------------------------------------------- OpenAI chat completions

    private static final class ChatChoice {
        String role;
        StringBuilder content;
        boolean refusalSeen;
        StringBuilder refusal;
        final TreeMap<Integer, ToolCall> toolCalls = new TreeMap<>();
        final Map<String, Integer> toolCallsById = new HashMap<>();
        Integer lastToolCall;
        JsonNode finishReason = NullNode.getInstance();
    }

    private static final class ToolCall {
        String id;
        String type;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private static JsonNode chat(List<JsonNode> events) {
        Header header = new Header();
        TreeMap<Integer, ChatChoice> choices = new TreeMap<>();
        JsonNode usage = NullNode.getInstance();
        JsonNode error = null;
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            header.take(event);
            usage = lastObject(usage, event.get("usage"));
            if (event.path("error").isObject()) {
                error = event.get("error");
            }
            JsonNode list = event.get("choices");
            if (list == null || !list.isArray()) {
                continue;
            }
            for (int position = 0; position < list.size(); position++) {
                JsonNode c = list.get(position);
                if (!c.isObject()) {
                    continue;
                }
                ChatChoice choice = choices.computeIfAbsent(index(c, position), i -> new ChatChoice());
                JsonNode delta = c.get("delta");
                if (delta != null && delta.isObject()) {
                    chatDelta(choice, delta);
                }
                JsonNode finish = c.get("finish_reason");
                if (finish != null && !finish.isNull()) {
                    choice.finishReason = finish;
                }
            }
        }

        ObjectNode result = NODES.objectNode();
        header.write(result, "chat.completion");
        ArrayNode out = result.putArray("choices");
        for (Map.Entry<Integer, ChatChoice> entry : choices.entrySet()) {
            ChatChoice choice = entry.getValue();
            ObjectNode c = out.addObject();
            c.put("index", entry.getKey());
            ObjectNode message = c.putObject("message");
            message.put("role", choice.role == null ? "assistant" : choice.role);
            message.put("content", choice.content == null ? null : choice.content.toString());
            if (choice.refusalSeen) {
                message.put("refusal", choice.refusal == null ? null : choice.refusal.toString());
            }
            if (!choice.toolCalls.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall call : choice.toolCalls.values()) {
                    ObjectNode tc = calls.addObject();
                    tc.put("id", call.id);
                    tc.put("type", call.type == null ? "function" : call.type);
                    ObjectNode function = tc.putObject("function");
                    function.put("name", call.name);
                    function.put("arguments", call.arguments.toString());
                }
            }
            c.set("finish_reason", choice.finishReason);
        }
        result.set("usage", usage);
        if (error != null) {
            result.set("error", error);
        }
        return result;
    }

    private static void chatDelta(ChatChoice choice, JsonNode delta) {
        String role = nonEmptyText(delta.get("role"));
        if (role != null && choice.role == null) {
            choice.role = role;
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual()) {
            choice.content = append(choice.content, content.textValue());
        }
        if (delta.has("refusal")) {
            choice.refusalSeen = true;
            JsonNode refusal = delta.get("refusal");
            if (refusal.isTextual()) {
                choice.refusal = append(choice.refusal, refusal.textValue());
            }
        }
        JsonNode calls = delta.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int position = 0; position < calls.size(); position++) {
                JsonNode tc = calls.get(position);
                if (tc.isObject()) {
                    toolCallDelta(choice, tc, position);
                }
            }
        }
    }

    private static void toolCallDelta(ChatChoice choice, JsonNode tc, int position) {
        String id = nonEmptyText(tc.get("id"));
        Integer key;
        JsonNode index = tc.get("index");
        if (index != null && index.canConvertToInt() && index.isIntegralNumber()) {
            key = index.intValue();
        } else if (id != null) {
            // No index (some OpenAI-compatible servers): a new id is a new call, a known id the same one.
            key = choice.toolCallsById.get(id);
            if (key == null) {
                key = choice.toolCalls.isEmpty() ? 0 : choice.toolCalls.lastKey() + 1;
            }
        } else {
            key = choice.lastToolCall != null ? choice.lastToolCall : Integer.valueOf(position);
        }
        ToolCall call = choice.toolCalls.computeIfAbsent(key, k -> new ToolCall());
        choice.lastToolCall = key;
        if (id != null && call.id == null) {
            call.id = id;
            choice.toolCallsById.put(id, key);
        }
        String type = nonEmptyText(tc.get("type"));
        if (type != null && call.type == null) {
            call.type = type;
        }
        JsonNode function = tc.get("function");
        if (function != null && function.isObject()) {
            // As OpenAI's SDK accumulates: a name (sent once) is set, arguments are concatenated.
            String name = nonEmptyText(function.get("name"));
            if (name != null) {
                call.name = name;
            }
            JsonNode arguments = function.get("arguments");
            if (arguments != null && arguments.isTextual()) {
                call.arguments.append(arguments.textValue());
            }
        }
    }

    // ---------------------------------------------------------------- OpenAI legacy completions

    private static final class TextChoice {
        StringBuilder text;
        JsonNode finishReason = NullNode.getInstance();
    }

    private static JsonNode legacy(List<JsonNode> events) {
        Header header = new Header();
        TreeMap<Integer, TextChoice> choices = new TreeMap<>();
        JsonNode usage = NullNode.getInstance();
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            header.take(event);
            usage = lastObject(usage, event.get("usage"));
            JsonNode list = event.get("choices");
            if (list == null || !list.isArray()) {
                continue;
            }
            for (int position = 0; position < list.size(); position++) {
                JsonNode c = list.get(position);
                if (!c.isObject()) {
                    continue;
                }
                TextChoice choice = choices.computeIfAbsent(index(c, position), i -> new TextChoice());
                JsonNode text = c.get("text");
                if (text != null && text.isTextual()) {
                    choice.text = append(choice.text, text.textValue());
                }
                JsonNode finish = c.get("finish_reason");
                if (finish != null && !finish.isNull()) {
                    choice.finishReason = finish;
                }
            }
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

    /** The id, created, model, system_fingerprint and service_tier of OpenAI chunks: first non-empty ones. */
    private static final class Header {
        JsonNode id;
        JsonNode created;
        JsonNode model;
        JsonNode fingerprint;
        JsonNode serviceTier;

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

    // ---------------------------------------------------------------- Anthropic messages

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

        JsonNode build() {
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
                base.set("input", toolInput(json));
            } else if (("tool_use".equals(text(base.get("type"))) || partialJson != null) && !base.has("input")) {
                base.putObject("input");
            }
            return base;
        }
    }

    private static JsonNode toolInput(String json) {
        try {
            JsonNode input = TOOL_INPUT.readTree(json);
            return input == null || input.isMissingNode() ? TextNode.valueOf(json) : input;
        } catch (Exception e) {
            return TextNode.valueOf(json); // a cut-off stream leaves partial JSON: keep what arrived
        }
    }

    private static JsonNode anthropic(List<JsonNode> events) {
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
            content.add(block.build());
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

    // ---------------------------------------------------------------- Google Gemini

    private static final class Candidate {
        String role;
        StringBuilder thought;
        StringBuilder text;
        final ArrayNode otherParts = NODES.arrayNode();
        JsonNode finishReason;
    }

    private static JsonNode gemini(List<JsonNode> events) {
        TreeMap<Integer, Candidate> candidates = new TreeMap<>();
        JsonNode usage = null;
        JsonNode modelVersion = null;
        JsonNode responseId = null;
        JsonNode promptFeedback = null;
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            if (event.path("usageMetadata").isObject()) {
                usage = event.get("usageMetadata");
            }
            modelVersion = firstNonEmpty(modelVersion, event.get("modelVersion"));
            responseId = firstNonEmpty(responseId, event.get("responseId"));
            if (event.path("promptFeedback").isObject()) {
                promptFeedback = event.get("promptFeedback");
            }
            JsonNode list = event.get("candidates");
            if (list == null || !list.isArray()) {
                continue;
            }
            for (int position = 0; position < list.size(); position++) {
                JsonNode c = list.get(position);
                if (!c.isObject()) {
                    continue;
                }
                Candidate candidate = candidates.computeIfAbsent(index(c, position), i -> new Candidate());
                JsonNode content = c.get("content");
                if (content != null && content.isObject()) {
                    String role = nonEmptyText(content.get("role"));
                    if (role != null && candidate.role == null) {
                        candidate.role = role;
                    }
                    JsonNode parts = content.get("parts");
                    if (parts != null && parts.isArray()) {
                        for (JsonNode part : parts) {
                            geminiPart(candidate, part);
                        }
                    }
                }
                JsonNode finish = c.get("finishReason");
                if (finish != null && !finish.isNull()) {
                    candidate.finishReason = finish;
                }
            }
        }

        ObjectNode result = NODES.objectNode();
        ArrayNode out = result.putArray("candidates");
        for (Map.Entry<Integer, Candidate> entry : candidates.entrySet()) {
            Candidate candidate = entry.getValue();
            ObjectNode c = out.addObject();
            ObjectNode content = c.putObject("content");
            content.put("role", candidate.role == null ? "model" : candidate.role);
            ArrayNode parts = content.putArray("parts");
            if (candidate.thought != null) {
                parts.addObject().put("text", candidate.thought.toString()).put("thought", true);
            }
            if (candidate.text != null) {
                parts.addObject().put("text", candidate.text.toString());
            }
            parts.addAll(candidate.otherParts);
            if (candidate.finishReason != null) {
                c.set("finishReason", candidate.finishReason);
            }
            c.put("index", entry.getKey());
        }
        if (promptFeedback != null) {
            result.set("promptFeedback", promptFeedback);
        }
        if (usage != null) {
            result.set("usageMetadata", usage);
        }
        if (modelVersion != null) {
            result.set("modelVersion", modelVersion);
        }
        if (responseId != null) {
            result.set("responseId", responseId);
        }
        return result;
    }

    private static void geminiPart(Candidate candidate, JsonNode part) {
        if (!part.isObject()) {
            return;
        }
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
            if (part.path("thought").asBoolean(false)) {
                candidate.thought = append(candidate.thought, text.textValue());
            } else {
                candidate.text = append(candidate.text, text.textValue());
            }
        } else {
            candidate.otherParts.add(part); // function calls, inline data, …: kept as they came
        }
    }

    // ---------------------------------------------------------------- OpenAI Responses API

    private static JsonNode responses(List<JsonNode> events) {
        JsonNode last = null;
        for (JsonNode event : events) {
            String type = event.isObject() ? text(event.get("type")) : null;
            if (type != null && RESPONSES_FINAL.contains(type) && event.path("response").isObject()) {
                last = event.get("response");
            }
        }
        // Without its final event the stream was cut off; its events are kept as they are.
        return last != null ? last : chunks(events);
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode chunks(List<JsonNode> events) {
        ObjectNode result = NODES.objectNode();
        ArrayNode chunks = result.putArray("chunks");
        chunks.addAll(events);
        return result;
    }

    /** A choice's or candidate's "index", else its position in the event's list. */
    private static int index(JsonNode item, int position) {
        JsonNode index = item.get("index");
        if (index != null && index.isIntegralNumber() && index.canConvertToInt()) {
            return index.intValue();
        }
        return position;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static String nonEmptyText(JsonNode node) {
        String text = text(node);
        return text == null || text.isEmpty() ? null : text;
    }

    private static StringBuilder append(StringBuilder builder, String text) {
        return (builder == null ? new StringBuilder() : builder).append(text);
    }

    private static StringBuilder appendText(StringBuilder builder, JsonNode text) {
        return text != null && text.isTextual() ? append(builder, text.textValue()) : builder;
    }

    /** The kept value, unless it is missing or empty and the candidate is non-null (and non-empty if text). */
    private static JsonNode firstNonEmpty(JsonNode kept, JsonNode candidate) {
        if (candidate == null || candidate.isNull() || candidate.isMissingNode()) {
            return kept;
        }
        if (kept == null) {
            return candidate;
        }
        boolean keptEmpty = kept.isTextual() && kept.textValue().isEmpty();
        boolean candidateEmpty = candidate.isTextual() && candidate.textValue().isEmpty();
        return keptEmpty && !candidateEmpty ? candidate : kept;
    }

    private static JsonNode lastObject(JsonNode kept, JsonNode candidate) {
        return candidate != null && candidate.isObject() ? candidate : kept;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }
}
