package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.EventFields.NODES;
import static io.heliograph.ingest.llm.stream.EventFields.eachIndexed;
import static io.heliograph.ingest.llm.stream.EventFields.present;
import static io.heliograph.ingest.llm.stream.EventFields.append;
import static io.heliograph.ingest.llm.stream.EventFields.firstNonEmpty;
import static io.heliograph.ingest.llm.stream.EventFields.nonEmptyText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Google Gemini {@code streamGenerateContent} chunks into one {@code GenerateContentResponse}. */
public final class GeminiStream implements StreamFormat {
    private static final class Candidate {
        String role;
        StringBuilder thought;
        StringBuilder text;
        final ArrayNode otherParts = NODES.arrayNode();
        JsonNode finishReason;
    }

    @Override
    public JsonNode reassemble(List<JsonNode> events) {
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
            eachIndexed(event, "candidates", candidates, Candidate::new, (candidate, c) -> {
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
                candidate.finishReason = present(candidate.finishReason, c, "finishReason");
            });
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
}
