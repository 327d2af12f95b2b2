package io.heliograph.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heliograph.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds the exact text of chosen values inside a JSON document, byte for byte as it arrived. The log
 * keeps request and response bodies untouched — number spellings, escapes, key order, whitespace —
 * which re-serialising a parsed tree would lose.
 */
final class RawJson {
    private RawJson() {
    }

    /**
     * The text of each value at {@code pointers} (JSON-pointer paths like {@code /providerRequest/json})
     * that is present in {@code document}; the last occurrence wins, as it does when parsing. The
     * document must already be known to be valid JSON.
     */
    static Map<String, String> find(byte[] document, Set<String> pointers) {
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(document)) {
            if (parser.nextToken() != null) {
                walk(parser, "", pointers, document, found);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Not valid JSON", e);
        }
        return found;
    }

    private static void walk(JsonParser p, String path, Set<String> pointers, byte[] doc, Map<String, String> found)
            throws IOException {
        JsonToken token = p.currentToken();
        if (pointers.contains(path)) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            int end;
            if (token.isStructStart()) {
                p.skipChildren();
                end = (int) p.currentTokenLocation().getByteOffset() + 1;
            } else {
                p.finishToken();
                end = (int) p.currentLocation().getByteOffset();
            }
            found.put(path, new String(doc, start, end - start, StandardCharsets.UTF_8));
            return;
        }
        if (token == JsonToken.START_OBJECT && wantsBelow(path, pointers)) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = path + "/" + escape(p.currentName());
                p.nextToken();
                walk(p, child, pointers, doc, found);
            }
        } else if (token.isStructStart()) {
            p.skipChildren();
        }
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
