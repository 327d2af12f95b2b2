package io.heliograph.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import io.heliograph.http.JsonBodies;
import io.heliograph.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A log body's tree, and the exact text of chosen values inside it, byte for byte as it arrived, in
 * one pass over the body. The log keeps request and response bodies untouched — number spellings,
 * escapes, key order, whitespace — which re-serialising a parsed tree would lose.
 */
final class RawJson {
    /** A value inside the document, read as {@link Json#MAPPER} reads a whole one; the document's end is checked once, at its end. */
    private static final ObjectReader VALUE = Json.MAPPER.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RawJson() {
    }

    /**
     * The document's tree — what {@link Json#parse(byte[], String)} gives, refused as it refuses,
     * with {@link JsonBodies#INVALID_JSON} — and the text of each value at {@code pointers}
     * (JSON-pointer paths like {@code /providerRequest/json}) that is present; for a repeated key the
     * last occurrence wins, as it does in the tree.
     */
    record Parsed(JsonNode root, Map<String, String> raw) {
    }

    static Parsed parse(byte[] document, Set<String> pointers) {
        if (!Json.isUtf8Candidate(document)) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = Json.MAPPER.createParser(document)) {
            if (parser.nextToken() == null) {
                throw ApiException.badRequest(JsonBodies.INVALID_JSON);
            }
            JsonNode root = value(parser, "", pointers, document, found);
            if (parser.nextToken() != null) { // "{} {}" is not one document
                throw ApiException.badRequest(JsonBodies.INVALID_JSON);
            }
            return new Parsed(root, found);
        } catch (IOException e) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
    }

    /**
     * The value at the parser's current token, read to its last token: objects on the way to a wanted
     * pointer member by member, everything else whole.
     */
    private static JsonNode value(JsonParser p, String path, Set<String> pointers, byte[] doc, Map<String, String> found)
            throws IOException {
        JsonToken token = p.currentToken();
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonNode value;
        if (token == JsonToken.START_OBJECT && wantsBelow(path, pointers)) {
            ObjectNode object = Json.MAPPER.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                // set() on a key already there keeps its place and takes the new value, as the tree's reader does
                object.set(name, value(p, path + "/" + escape(name), pointers, doc, found));
            }
            value = object;
        } else {
            value = VALUE.readTree(p);
        }
        if (pointers.contains(path)) {
            int end = token.isStructStart()
                    ? (int) p.currentTokenLocation().getByteOffset() + 1
                    : (int) p.currentLocation().getByteOffset();
            found.put(path, new String(doc, start, end - start, StandardCharsets.UTF_8));
        }
        return value;
    }

    /** A key as a JSON-pointer step (RFC 6901), so that a key named "a/b" is not taken for the path /a/b. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static boolean wantsBelow(String path, Set<String> pointers) {
        String prefix = path + "/";
        return pointers.stream().anyMatch(pointer -> pointer.startsWith(prefix));
    }
}
