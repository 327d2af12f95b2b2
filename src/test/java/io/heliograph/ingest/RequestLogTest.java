package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.ingest.llm.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    private static final Usage USAGE = new Usage(1L, 2L, 3L, null, null);

    private static RequestLog.Builder minimal() {
        return RequestLog.builder().orgId("org").id("id").provider("OPENAI").properties(Map.of()).usage(Usage.NONE)
                .outcome(Outcome.COMPLETED);
    }

    @Test
    void builderPutsEachNamedValueInItsField() {
        // Distinct values everywhere, so two setters writing one field (or swapped ones) show.
        RequestLog built = RequestLog.builder()
                .orgId("org")
                .id("id")
                .provider("OPENAI")
                .model("gpt-4o")
                .userId("user")
                .status(201)
                .startedAt(10)
                .endedAt(20)
                .timeToFirstTokenMs(5L)
                .properties(Map.of("env", "prod"))
                .requestUrl("https://api.example.com/v1")
                .requestBody("{\"request\":1}")
                .responseBody("{\"response\":1}")
                .responseText("\"text\"")
                .streamed(true)
                .usage(USAGE)
                .cost(0.5)
                .outcome(Outcome.UPSTREAM_FAILED)
                .build();
        assertThat(built).isEqualTo(new RequestLog("org", "id", "OPENAI", "gpt-4o", "user", 201, 10, 20, 5L, Map.of("env", "prod"),
                "https://api.example.com/v1", "{\"request\":1}", "{\"response\":1}", "\"text\"", true, USAGE, 0.5,
                Outcome.UPSTREAM_FAILED));
    }

    @Test
    void fieldsNotNamedAreEmpty() {
        RequestLog built = minimal().build();
        assertThat(built.model()).isNull();
        assertThat(built.userId()).isNull();
        assertThat(built.timeToFirstTokenMs()).isNull();
        assertThat(built.requestBody()).isNull();
        assertThat(built.responseBody()).isNull();
        assertThat(built.cost()).isNull();
        assertThat(built.streamed()).isFalse();
    }

    @Test
    void builderRefusesALogWithoutItsRequiredFields() {
        assertThatThrownBy(() -> minimal().orgId(null).build()).hasMessage("orgId");
        assertThatThrownBy(() -> minimal().id(null).build()).hasMessage("id");
        assertThatThrownBy(() -> minimal().provider(null).build()).hasMessage("provider");
        assertThatThrownBy(() -> minimal().usage(null).build()).hasMessage("usage");
        assertThatThrownBy(() -> minimal().outcome(null).build()).hasMessage("outcome");
        assertThatThrownBy(() -> minimal().properties(null).build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> minimal().startedAt(2).endedAt(1).build()).hasMessage("ended before it started");
    }
}
