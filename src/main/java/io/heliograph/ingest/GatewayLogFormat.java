package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.heliograph.http.JsonBodies;
import io.heliograph.ingest.llm.Provider;
import io.heliograph.ingest.llm.ResponseText;
import io.heliograph.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What the gateway saw, as a log. Bodies are decoded from their content encoding, JSON is kept as
 * the exact text that passed, a server-sent-events stream is reassembled into one response (and
 * its text kept too). Bodies that are not JSON or text — audio, file uploads — are passed through
 * but not stored: the log holds {@code null} for them, as it does for a body over 10 MiB or one the
 * caller asked to omit ({@code Helicone-Omit-Request}, {@code Helicone-Omit-Response}). Facts such as
 * the model and the token usage are still read from an omitted body; only the body is not kept.
 */
public final class GatewayLogFormat {
    /** The most of one body a log keeps, decoded: as much as a log route accepts. */
    static final int MAX_STORED_BODY = (int) JsonBodies.MAX_BODY_BYTES;
    private static final String NULL = "null";

    private GatewayLogFormat() {
    }

    public static LogInput parse(GatewayExchange ex) {
        Body request = body(ex.requestBody(), ex.requestContentEncoding());
        JsonNode requestJson = request.json();
        String requestRaw = request.raw() == null ? NULL : request.raw();

        Body response = body(ex.responseBody(), ex.responseContentEncoding());
        JsonNode logical = null;
        String responseRaw = null;
        String responseText = null;
        boolean streamed = false;
        if (response.text() != null && isEventStream(ex.responseContentType())) {
            ResponseText parsed = ResponseText.parse(response.text());
            logical = parsed.response();
            streamed = parsed.streamed();
            responseText = Json.writeString(TextNode.valueOf(response.text()));
        } else if (response.json() != null) {
            logical = response.json();
            responseRaw = response.raw();
        } else if (response.text() != null && isText(ex.responseContentType())) {
            logical = TextNode.valueOf(response.text());
        }
        Long ttft = streamed && ex.firstByteAt() != null ? Math.max(0, ex.firstByteAt() - ex.startedAt()) : null;
        return LogInput.builder()
                .identity(ex.identity())
                .provider(ex.provider() == null ? Provider.CUSTOM : ex.provider())
                .status(ex.status())
                .startedAt(ex.startedAt())
                .endedAt(Math.max(ex.startedAt(), ex.endedAt()))
                .timeToFirstTokenMs(ttft)
                .requestUrl(ex.upstreamUrl())
                .request(requestJson)
                .requestRaw(requestRaw)
                .response(logical)
                .responseRaw(responseRaw)
                .responseText(responseText)
                .streamed(streamed)
                .outcome(ex.outcome())
                .build()
                .withoutBodies(ex.omitRequest(), ex.omitResponse());
    }

    /** A body decoded for the log: its text (when UTF-8 text) and, when it is one JSON document, that too. */
    private record Body(String text, JsonNode json, String raw) {
        static final Body NONE = new Body(null, null, null);
    }

    private static Body body(byte[] bytes, String contentEncoding) {
        if (bytes == null || bytes.length == 0) {
            return Body.NONE;
        }
        Optional<byte[]> decoded = ContentCoding.decode(contentEncoding, bytes, MAX_STORED_BODY);
        if (decoded.isEmpty()) {
            return Body.NONE;
        }
        byte[] data = decoded.get();
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0 && !java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), data)) {
            return Body.NONE; // not UTF-8: binary
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            if (json != null && !json.isMissingNode()) {
                return new Body(text, json, StorableText.repair(text.strip()));
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: kept as text where the content type says it is text
        }
        return new Body(text, null, null);
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.contains("json") || t.contains("xml") || t.contains("charset=");
    }
}
