package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesApiStreamTest {
    private final StreamFormat format = new ResponsesApiStream();

    @Test
    void theResponseIsWhatTheLastFinalEventCarries() {
        JsonNode r = format.reassemble(events("""
                {"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}
                {"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"server_error"}}}
                {"type":"response.completed","response":"not an object"}
                {"type":"response.output_text.delta","delta":"late"}
                """));
        assertThat(r).isEqualTo(json("{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\"}}"));
    }

    @Test
    void withoutAFinalEventTheEventsAreKeptAsChunks() {
        List<JsonNode> events = events("""
                {"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}
                {"type":"response.output_text.delta","delta":"Hi"}
                """);
        assertThat(format.reassemble(events).get("chunks")).containsExactlyElementsOf(events);
    }
}
