package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.NODES;
import static io.heliograph.ingest.llm.stream.EventFields.eachIndexed;
import static io.heliograph.ingest.llm.stream.EventFields.present;
import static io.heliograph.ingest.llm.stream.EventFields.append;
import static io.heliograph.ingest.llm.stream.EventFields.lastObject;
import static io.heliograph.ingest.llm.stream.EventFields.nonEmptyText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OpenAI chat completions chunks ({@code chat.completion.chunk}) into one {@code chat.completion}. */
public final class ChatCompletionsStream implements StreamFormat {
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

    @Override
    public JsonNode reassemble(List<JsonNode> events) {
        ChunkHeader header = new ChunkHeader();
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
            eachIndexed(event, "choices", choices, ChatChoice::new, (choice, c) -> {
                JsonNode delta = c.get("delta");
                if (delta != null && delta.isObject()) {
                    chatDelta(choice, delta);
                }
                choice.finishReason = present(choice.finishReason, c, "finish_reason");
            });
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
}
