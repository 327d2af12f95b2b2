package io.heliograph.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * JSON in tests: a plain Jackson mapper, independent of the service's own {@code json.Json} (whose
 * limits and refusals are under test), so a test reads what was sent or answered as any client would.
 * Text that is not JSON fails the test where it is read.
 */
public final class TestJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + abbreviate(json), e);
        }
    }

    public static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + json.length + " bytes", e);
        }
    }

    /** Any value (a map, a list, a record) as a tree, for comparing with what was answered. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? String.valueOf(s) : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
