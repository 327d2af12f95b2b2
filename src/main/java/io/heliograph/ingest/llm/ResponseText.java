package io.heliograph.ingest.llm;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The logical response recovered from a response sent as text ({@code providerResponse.textBody}).
 *
 * @param response the recovered response: a reassembled stream, a parsed JSON value, or the text itself
 * @param streamed whether the text was a stream (SSE, or NDJSON as Helicone's Node logger sends it)
 */
public record ResponseText(JsonNode response, boolean streamed) {
    /** As deep as the rest of the service accepts JSON; reassembly adds a few levels, still well under 1000. */
    static final int MAX_NESTING_DEPTH = 200;

    private static final ObjectMapper MAPPER = mapper(MAX_NESTING_DEPTH);
    private static final String DONE = "[DONE]";
    private static final char BOM = '\uFEFF';

    /** A strict mapper: one JSON document per text ("{} {}" is refused), nesting limited to {@code depth}. */
    static ObjectMapper mapper(int depth) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(depth)
                .build());
        return mapper;
    }

    /**
     * Recovers the response a text stands for. In order:
     * <ol>
     *   <li>text with lines starting with {@code data:} is server-sent events: each event's data (multi-line
     *       data joined by "\n"; {@code event:}, {@code id:}, {@code retry:} and {@code :} comment lines
     *       ignored; CR, LF and CRLF line ends; {@code [DONE]} skipped) is parsed as a JSON object, payloads
     *       that are not JSON objects are skipped, and the events are {@link StreamReassembler#reassemble
     *       reassembled}, streamed. Text with {@code data:} lines none of which carries a JSON object is not
     *       taken as a stream, and goes on to the next rules;</li>
     *   <li>else the whole text that is one JSON value is that value;</li>
     *   <li>else 2+ non-blank lines that each are a JSON object are NDJSON events, reassembled, streamed;</li>
     *   <li>else the text itself, as a JSON string.</li>
     * </ol>
     * Never throws; linear in the length of the text. A null text is taken as the empty text.
     */
    public static ResponseText parse(String text) {
        String original = text == null ? "" : text;
        try {
            String body = !original.isEmpty() && original.charAt(0) == BOM ? original.substring(1) : original;

            List<JsonNode> sse = serverSentEvents(body);
            if (!sse.isEmpty()) {
                return new ResponseText(StreamReassembler.reassemble(sse), true);
            }
            JsonNode whole = json(body);
            if (whole != null) {
                return new ResponseText(whole, false);
            }
            List<JsonNode> ndjson = newlineDelimited(body);
            if (ndjson != null) {
                return new ResponseText(StreamReassembler.reassemble(ndjson), true);
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Untrusted text: whatever went wrong, keeping the text itself is always right.
        }
        return new ResponseText(TextNode.valueOf(original), false);
    }

    /**
     * A stream longer than any real response is kept as text: expanding hundreds of thousands of
     * tiny events would cost far more memory than the text itself (10 MiB of "{}" lines ≈ 360 MB).
     */
    static final int MAX_EVENTS = 100_000;

    private static void add(List<JsonNode> events, JsonNode event) {
        if (events.size() >= MAX_EVENTS) {
            throw new IllegalStateException("more than " + MAX_EVENTS + " stream events");
        }
        events.add(event);
    }

    /** The JSON objects carried by the data of server-sent events, in order; empty when there are none. */
    static List<JsonNode> serverSentEvents(String text) {
        List<JsonNode> events = new ArrayList<>();
        if (!hasDataLine(text)) {
            return events;
        }
        StringBuilder data = new StringBuilder();
        int dataLines = 0;
        int n = text.length();
        int pos = 0;
        while (pos < n) {
            int end = lineEnd(text, pos);
            if (end == pos) {
                // A blank line ends an event.
                dispatch(data, dataLines, events);
                data.setLength(0);
                dataLines = 0;
            } else if (text.charAt(pos) != ':') { // ":" starts a comment
                boolean dataField = text.startsWith("data", pos)
                        && (end == pos + 4 || text.charAt(pos + 4) == ':');
                if (dataField) {
                    int valueStart = Math.min(pos + 5, end); // "data" alone is a data field with no value
                    if (valueStart < end && text.charAt(valueStart) == ' ') {
                        valueStart++;
                    }
                    if (dataLines > 0) {
                        data.append('\n');
                    }
                    data.append(text, valueStart, end);
                    dataLines++;
                }
                // Other fields (event, id, retry) and lines that are no field at all are ignored.
            }
            pos = nextLine(text, end);
        }
        dispatch(data, dataLines, events); // a last event without its blank line still counts
        return events;
    }

    /** Whether some line starts with "data:" (a cheap first look, so most non-SSE text is passed at once). */
    private static boolean hasDataLine(String text) {
        int from = 0;
        while (true) {
            int at = text.indexOf("data:", from);
            if (at < 0) {
                return false;
            }
            if (at == 0 || text.charAt(at - 1) == '\n' || text.charAt(at - 1) == '\r') {
                return true;
            }
            from = at + 1;
        }
    }

    private static void dispatch(StringBuilder data, int dataLines, List<JsonNode> events) {
        if (dataLines == 0) {
            return;
        }
        String payload = data.toString();
        JsonNode event = object(payload);
        if (event != null) {
            add(events, event);
            return;
        }
        if (dataLines > 1) {
            // Events written with single newlines between them ("data: {…}\ndata: {…}\n") read as one
            // multi-line event; when the joined data is no JSON, each line may still be an event of its own.
            int pos = 0;
            int n = payload.length();
            while (pos < n) {
                int end = payload.indexOf('\n', pos);
                if (end < 0) {
                    end = n;
                }
                JsonNode line = object(payload.substring(pos, end));
                if (line != null) {
                    add(events, line);
                }
                pos = end + 1;
            }
        }
    }

    /** The JSON object a text is, or null (non-JSON, scalars, arrays, [DONE]). */
    private static JsonNode object(String text) {
        int start = skipWhitespace(text, 0);
        if (start >= text.length() || text.charAt(start) != '{') {
            return null; // also skips "[DONE]" without parsing it
        }
        JsonNode node = json(text);
        return node != null && node.isObject() ? node : null;
    }

    /** The one JSON value the whole text is, or null. */
    private static JsonNode json(String text) {
        int start = skipWhitespace(text, 0);
        if (start >= text.length()) {
            return null;
        }
        char c = text.charAt(start);
        // A cheap refusal of most prose before a parser is built: JSON starts with one of these.
        if (c != '{' && c != '[' && c != '"' && c != '-' && (c < '0' || c > '9')
                && c != 't' && c != 'f' && c != 'n') {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (Exception e) {
            return null;
        }
    }

    /** NDJSON: 2+ non-blank lines, each one JSON object; null when the text is not that. */
    static List<JsonNode> newlineDelimited(String text) {
        List<JsonNode> events = new ArrayList<>();
        int n = text.length();
        int pos = 0;
        while (pos < n) {
            int end = lineEnd(text, pos);
            if (!isBlank(text, pos, end)) {
                JsonNode event = object(text.substring(pos, end));
                if (event == null) {
                    return null;
                }
                add(events, event);
            }
            pos = nextLine(text, end);
        }
        return events.size() >= 2 ? events : null;
    }

    /** Whether {@code text[from, to)} is only spaces and tabs (looking no further than {@code to}). */
    private static boolean isBlank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The end (exclusive) of the line starting at {@code pos}: the next CR or LF, or the end of the text. */
    private static int lineEnd(String text, int pos) {
        int n = text.length();
        int i = pos;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
            i++;
        }
        return n;
    }

    /** Where the line after the one ending at {@code end} starts (CRLF is one line end). */
    private static int nextLine(String text, int end) {
        if (end >= text.length()) {
            return text.length();
        }
        if (text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n') {
            return end + 2;
        }
        return end + 1;
    }
}
