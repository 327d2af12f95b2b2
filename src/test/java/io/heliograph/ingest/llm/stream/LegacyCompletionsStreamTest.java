package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class LegacyCompletionsStreamTest {
    private final StreamFormat format = new LegacyCompletionsStream();

    @Test
    void textIsConcatenatedPerChoiceInIndexOrder() {
        JsonNode r = format.reassemble(events("""
                {"id":"cmpl-1","object":"text_completion","created":3,"model":"davinci","choices":[{"index":1,"text":"B"},{"index":0,"text":"A"}]}
                {"id":"cmpl-1","object":"text_completion","created":3,"model":"davinci","choices":[{"index":0,"text":"a","finish_reason":"stop"},{"index":1,"text":"b","finish_reason":"length"}]}
                """));
        assertThat(r).isEqualTo(json("""
                {"id":"cmpl-1","object":"text_completion","created":3,"model":"davinci",
                 "choices":[{"index":0,"text":"Aa","finish_reason":"stop"},{"index":1,"text":"Bb","finish_reason":"length"}],
                 "usage":null}"""));
    }

    @Test
    void aChoiceWithoutTextHasEmptyTextAndTheLastUsageObjectCounts() {
        JsonNode r = format.reassemble(events("""
                {"choices":[{"index":0,"text":null}],"usage":{"total_tokens":1}}
                {"choices":[],"usage":{"total_tokens":2}}
                {"choices":[],"usage":"none"}
                """));
        assertThat(r.at("/choices/0/text").asText()).isEmpty();
        assertThat(r.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(2);
        assertThat(r.get("model").isNull()).isTrue();
    }
}
