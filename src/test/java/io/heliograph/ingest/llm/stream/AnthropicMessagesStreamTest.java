package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class AnthropicMessagesStreamTest {
    private static final String TOOL_CALL = """
            {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":4,"output_tokens":1}}}
            {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"tu","name":"f","input":{}}}
            {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":{\\"b\\":"}}
            {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"[1]}}"}}
            {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}
            """;

    @Test
    void toolInputIsParsedWithTheMapperItWasGiven() {
        JsonNode r = new AnthropicMessagesStream(new ObjectMapper()).reassemble(events(TOOL_CALL));
        assertThat(r).isEqualTo(json("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude",
                 "content":[{"type":"tool_use","id":"tu","name":"f","input":{"a":{"b":[1]}}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":4,"output_tokens":9}}"""));
    }

    @Test
    void toolInputNestedBeyondTheMappersLimitIsKeptAsText() {
        ObjectMapper shallow = new ObjectMapper();
        shallow.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).build());
        JsonNode r = new AnthropicMessagesStream(shallow).reassemble(events(TOOL_CALL));
        assertThat(r.at("/content/0/input")).isEqualTo(TextNode.valueOf("{\"a\":{\"b\":[1]}}"));
    }

    @Test
    void anErrorBeforeTheMessageStartsIsTheResponse() {
        JsonNode r = new AnthropicMessagesStream(new ObjectMapper()).reassemble(events("""
                {"type":"ping"}
                {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
                """));
        assertThat(r).isEqualTo(json("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    }
}
