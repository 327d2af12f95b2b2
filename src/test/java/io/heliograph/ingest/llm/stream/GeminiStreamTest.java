package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class GeminiStreamTest {
    private final StreamFormat format = new GeminiStream();

    @Test
    void candidatesCollectThoughtThenTextThenOtherPartsInIndexOrder() {
        JsonNode r = format.reassemble(events("""
                {"candidates":[{"index":1,"content":{"parts":[{"text":"second"}]}}],"promptFeedback":{"blockReason":null},"responseId":""}
                {"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"A"},{"text":"hmm","thought":true}]}}],"responseId":"r1"}
                {"candidates":[{"index":0,"content":{"parts":[{"functionCall":{"name":"f"}},{"text":"B"}]},"finishReason":"STOP"}],"usageMetadata":{"totalTokenCount":5},"modelVersion":"gemini-2.5"}
                """));
        assertThat(r).isEqualTo(json("""
                {"candidates":[
                   {"content":{"role":"model","parts":[{"text":"hmm","thought":true},{"text":"AB"},{"functionCall":{"name":"f"}}]},
                    "finishReason":"STOP","index":0},
                   {"content":{"role":"model","parts":[{"text":"second"}]},"index":1}],
                 "promptFeedback":{"blockReason":null},
                 "usageMetadata":{"totalTokenCount":5},"modelVersion":"gemini-2.5","responseId":"r1"}"""));
    }

    @Test
    void aUsageOnlyStreamHasNoCandidates() {
        JsonNode r = format.reassemble(events("""
                {"usageMetadata":{"promptTokenCount":3}}
                """));
        assertThat(r).isEqualTo(json("{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":3}}"));
    }
}
