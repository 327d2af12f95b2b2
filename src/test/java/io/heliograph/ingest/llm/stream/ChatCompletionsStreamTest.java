package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ChatCompletionsStreamTest {
    private final StreamFormat format = new ChatCompletionsStream();

    @Test
    void contentAndToolCallArgumentsAreConcatenatedAndTheHeaderIsTheFirstNonEmpty() {
        JsonNode r = format.reassemble(events("""
                {"id":"","object":"chat.completion.chunk","created":7,"model":"","choices":[]}
                {"id":"c1","created":8,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"He"}}]}
                {"id":"c2","model":"other","choices":[{"index":0,"delta":{"content":"llo","tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{\\"a\\""}}]}}]}
                {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"total_tokens":3}}
                """));
        assertThat(r).isEqualTo(json("""
                {"id":"c1","object":"chat.completion","created":7,"model":"m","system_fingerprint":"fp",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello",
                   "tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
                   "finish_reason":"tool_calls"}],
                 "usage":{"total_tokens":3}}"""));
    }

    @Test
    void aToolCallDeltaWithNeitherIndexNorIdContinuesTheLastCall() {
        JsonNode r = format.reassemble(events("""
                {"choices":[{"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{"}}]}}]}
                {"choices":[{"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"["}}]}}]}
                {"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"]"}}]}}]}
                """));
        assertThat(r.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{");
        assertThat(r.at("/choices/0/message/tool_calls/1/function/arguments").asText()).isEqualTo("[]");
    }

    @Test
    void anErrorChunkIsKeptAndNonObjectsAreIgnored() {
        JsonNode r = format.reassemble(events("""
                7
                {"choices":[{"index":0,"delta":{"content":"Par"}}, "x"]}
                {"error":{"message":"upstream gone"}}
                """));
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Par");
        assertThat(r.get("choices")).hasSize(1);
        assertThat(r.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(r.at("/error/message").asText()).isEqualTo("upstream gone");
        assertThat(r.get("id").isNull()).isTrue();
    }
}
