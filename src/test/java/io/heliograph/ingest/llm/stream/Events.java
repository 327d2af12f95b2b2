package io.heliograph.ingest.llm.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Stream events for the format tests, written one JSON value per line. */
final class Events {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Events() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<JsonNode> events(String lines) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                events.add(json(line));
            }
        }
        return events;
    }
}
