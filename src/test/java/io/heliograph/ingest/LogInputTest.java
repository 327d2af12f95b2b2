package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogInputTest {
    private static final LogIdentity IDENTITY = new LogIdentity(Optional.of("id"), "user", Map.of("env", "prod"));

    @Test
    void builderPutsEachNamedValueInItsField() {
        // Distinct values everywhere, so two setters writing one field (or swapped ones) show.
        LogInput built = LogInput.builder()
                .identity(IDENTITY)
                .provider("OPENAI")
                .statedModel("gpt-4o")
                .status(201)
                .startedAt(10)
                .endedAt(20)
                .timeToFirstTokenMs(5L)
                .requestUrl("https://api.example.com/v1")
                .request(TextNode.valueOf("request"))
                .requestRaw("\"request\"")
                .response(TextNode.valueOf("response"))
                .responseRaw("\"response\"")
                .responseText("\"text\"")
                .streamed(true)
                .outcome(Outcome.CANCELLED)
                .build();
        assertThat(built).isEqualTo(new LogInput(IDENTITY, "OPENAI", "gpt-4o", 201, 10, 20, 5L, "https://api.example.com/v1",
                TextNode.valueOf("request"), "\"request\"", TextNode.valueOf("response"), "\"response\"", "\"text\"", true,
                Outcome.CANCELLED));
    }

    @Test
    void fieldsNotNamedAreEmpty() {
        LogInput built = LogInput.builder().identity(IDENTITY).provider("OPENAI").outcome(Outcome.COMPLETED).build();
        assertThat(built.statedModel()).isNull();
        assertThat(built.timeToFirstTokenMs()).isNull();
        assertThat(built.response()).isNull();
        assertThat(built.responseRaw()).isNull();
        assertThat(built.responseText()).isNull();
        assertThat(built.streamed()).isFalse();
    }

    @Test
    void outcomeIsRequired() {
        assertThatThrownBy(() -> LogInput.builder().identity(IDENTITY).provider("OPENAI").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("outcome");
    }
}
