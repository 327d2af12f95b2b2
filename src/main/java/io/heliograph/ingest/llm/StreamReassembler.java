package io.heliograph.ingest.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.ingest.llm.stream.AnthropicMessagesStream;
import io.heliograph.ingest.llm.stream.ChatCompletionsStream;
import io.heliograph.ingest.llm.stream.GeminiStream;
import io.heliograph.ingest.llm.stream.LegacyCompletionsStream;
import io.heliograph.ingest.llm.stream.RawChunks;
import io.heliograph.ingest.llm.stream.ResponsesApiStream;
import io.heliograph.ingest.llm.stream.StreamFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rebuilds the one response a streamed LLM call would have returned unstreamed, from its stream events:
 * OpenAI chat completions chunks, OpenAI legacy completions chunks, Anthropic messages events, Google
 * Gemini chunks, and OpenAI Responses API events. Events of no known format come back as
 * {@code {"chunks":[…]}}. Which format a stream is gets decided here; each format's reassembly is its
 * own {@link StreamFormat}.
 */
public final class StreamReassembler {
    private static final StreamFormat CHAT = new ChatCompletionsStream();
    private static final StreamFormat LEGACY = new LegacyCompletionsStream();
    /** Tool input parsed shallower than events, so the message holding it stays within limits. */
    private static final StreamFormat ANTHROPIC =
            new AnthropicMessagesStream(ResponseText.mapper(ResponseText.MAX_NESTING_DEPTH - 10));
    private static final StreamFormat GEMINI = new GeminiStream();
    private static final StreamFormat RESPONSES = new ResponsesApiStream();
    private static final StreamFormat UNKNOWN = new RawChunks();

    private static final Set<String> ANTHROPIC_TYPES = Set.of("message_start", "content_block_start",
            "content_block_delta", "content_block_stop", "message_delta", "message_stop");

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
            return detect(list).reassemble(list);
        } catch (RuntimeException | StackOverflowError e) {
            return UNKNOWN.reassemble(list); // untrusted input: keep the events rather than fail the log
        }
    }

    /**
     * The format of the first event that tells for sure, else of the first that hints at one (a ping, a
     * usage-only chunk), else unknown. The formats' marks are weighed against each other in one place,
     * as their order matters (a text_completion's choices may also carry a delta, for one).
     */
    private static StreamFormat detect(List<JsonNode> events) {
        StreamFormat weak = UNKNOWN;
        for (JsonNode event : events) {
            if (!event.isObject()) {
                continue;
            }
            String type = event.path("type").textValue(); // null unless a string
            if (type != null) {
                if (type.startsWith("response.")) {
                    return RESPONSES;
                }
                if (ANTHROPIC_TYPES.contains(type)) {
                    return ANTHROPIC;
                }
                if (weak == UNKNOWN && (type.equals("ping")
                        || type.equals("error") && event.path("error").isObject())) {
                    weak = ANTHROPIC;
                }
            }
            String object = event.path("object").textValue();
            if ("chat.completion.chunk".equals(object)) {
                return CHAT;
            }
            if ("text_completion".equals(object)) {
                return LEGACY;
            }
            JsonNode choices = event.get("choices");
            if (choices != null && choices.isArray()) {
                for (JsonNode choice : choices) {
                    if (choice.path("delta").isObject()) {
                        return CHAT;
                    }
                    if (choice.path("text").isTextual()) {
                        return LEGACY;
                    }
                }
                if (weak == UNKNOWN) {
                    weak = CHAT; // e.g. only Azure's prompt-filter chunk, or only a usage chunk
                }
            }
            JsonNode candidates = event.get("candidates");
            if (candidates != null && candidates.isArray()) {
                return GEMINI;
            }
            if (weak == UNKNOWN && event.path("usageMetadata").isObject()) {
                weak = GEMINI;
            }
        }
        return weak;
    }
}
