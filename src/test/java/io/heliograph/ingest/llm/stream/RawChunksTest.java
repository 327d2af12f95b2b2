package io.heliograph.ingest.llm.stream;

import static io.heliograph.ingest.llm.stream.Events.events;
import static io.heliograph.ingest.llm.stream.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawChunksTest {
    private final StreamFormat format = new RawChunks();

    @Test
    void eventsOfAnyKindAreKeptInOrder() {
        assertThat(format.reassemble(events("""
                {"token":"a"}
                [1]
                "b"
                """))).isEqualTo(json("{\"chunks\":[{\"token\":\"a\"},[1],\"b\"]}"));
        assertThat(format.reassemble(List.of())).isEqualTo(json("{\"chunks\":[]}"));
    }
}
