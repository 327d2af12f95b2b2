package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.NodeProject;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Helicone's own Node manual logger ({@code @helicone/helpers}, from npm), unchanged, pointed at
 * Heliograph: it sends its Helicone headers as HTTP headers, {@code meta} empty, a
 * {@code custom-model-nopath} URL, and streams as newline-delimited JSON text.
 */
class HeliconeLoggerInteropTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void helicones_manual_logger_works_unchanged(StoreKind store) throws Exception {
        NodeProject logger = NodeProject.named("helicone-logger");
        try (TestServer server = TestServer.start(store)) {
            NodeProject.Result run = logger.node("log.mjs",
                    Map.of("HELIOGRAPH_URL", server.baseUrl(), "HELIOGRAPH_KEY", TestServer.BOOTSTRAP_KEY));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            JsonNode ids = TestJson.parse(run.out().lines().reduce((a, b) -> b).orElseThrow());
            Api api = server.api();

            JsonNode plain = api.get("/v1/request/" + ids.get("plainId").asText()).data();
            assertThat(plain.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(plain.get("provider").asText()).isEqualTo("CUSTOM");
            assertThat(plain.get("user_id").asText()).isEqualTo("user_123");
            assertThat(plain.get("properties").toString()).isEqualTo("{\"environment\":\"prod\",\"suite\":\"interop\"}");
            assertThat(plain.get("metadata").get("totalTokens").asLong()).isEqualTo(30);
            assertThat(plain.get("metadata").get("cost").asDouble()).isEqualTo(0.0002025);
            assertThat(plain.get("request_url").asText()).isEqualTo("custom-model-nopath");
            assertThat(plain.get("response").get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hi!");

            JsonNode streamed = api.get("/v1/request/" + ids.get("streamId").asText()).data();
            assertThat(streamed.get("streamed").asBoolean()).isTrue();
            assertThat(streamed.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(streamed.get("response").get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("one two three");
            assertThat(streamed.get("metadata").get("totalTokens").asLong()).isEqualTo(8);
            assertThat(streamed.get("metadata").get("timeToFirstTokenMs").isNull()).isFalse();
            assertThat(streamed.get("properties").get("suite").asText()).isEqualTo("interop");

            JsonNode single = api.get("/v1/request/" + ids.get("singleId").asText()).data();
            assertThat(single.get("metadata").get("latencyMs").asLong()).isEqualTo(250);
            assertThat(single.get("metadata").get("promptTokens").asLong()).isEqualTo(10);
            assertThat(single.get("response").get("content").get(0).get("text").asText()).isEqualTo("hello");
        }
    }
}
