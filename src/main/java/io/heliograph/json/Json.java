package io.heliograph.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import java.io.IOException;

/** The one JSON mapper, with the parsing limits every API body is held to. */
public final class Json {
    /** Deeper nesting than this is refused as invalid JSON; no real LLM body comes close. */
    public static final int MAX_NESTING_DEPTH = 200;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // "{} {}" is not one JSON document; refuse it rather than read the first half.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
    }

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses {@code bytes}; any malformation (including trailing garbage) is a 400 with {@code message}.
     * JSON must be UTF-8 (RFC 8259): Jackson would also detect UTF-16 and UTF-32, but byte offsets into
     * such a document are not character offsets, and the log routes cut raw values out by offset.
     */
    public static JsonNode parse(byte[] bytes, String message) {
        if (!isUtf8Candidate(bytes)) {
            throw ApiException.badRequest(message);
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest(message);
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest(message);
        }
    }

    /**
     * False for UTF-16 and UTF-32 text: every JSON document in those holds a 0x00 byte (its ASCII
     * punctuation), and no valid UTF-8 JSON document does (NUL may only appear escaped).
     */
    public static boolean isUtf8Candidate(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    public static String writeString(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }
}
