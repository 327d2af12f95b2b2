package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a log body can be wrong gets a clear 4xx, and nothing is stored. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class RequestLogValidationTest {
    private static final String REQ = "\"providerRequest\":{\"url\":\"u\",\"json\":{\"model\":\"m\"},\"meta\":{}}";
    private static final String RES = "\"providerResponse\":{\"status\":200,\"headers\":{},\"json\":{}}";
    private static final String TIMING = "\"timing\":{\"startTime\":{\"seconds\":1768473000,\"milliseconds\":0},"
            + "\"endTime\":{\"seconds\":1768473001,\"milliseconds\":0}}";

    @Parameter
    StoreKind store;

    static TestServer server;
    static Api api;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.start(store);
        api = server.apiForNewKey("validation-" + store);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String helicone(String... parts) {
        return "{" + String.join(",", parts) + "}";
    }

    static Stream<Arguments> heliconeCases() {
        return Stream.of(
                Arguments.of("not json", "Invalid JSON body"),
                Arguments.of("[]", "Invalid JSON body"),
                Arguments.of("", "Invalid JSON body"),
                Arguments.of(helicone(RES, TIMING), "providerRequest must be an object"),
                Arguments.of(helicone("\"providerRequest\":[]", RES, TIMING), "providerRequest must be an object"),
                Arguments.of(helicone("\"providerRequest\":{\"url\":\"u\",\"meta\":{}}", RES, TIMING), "providerRequest.json is required"),
                Arguments.of(helicone("\"providerRequest\":{\"url\":5,\"json\":{}}", RES, TIMING), "providerRequest.url must be a string"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":[]}", RES, TIMING), "providerRequest.meta must be an object"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":{\"Helicone-User-Id\":5}}", RES, TIMING),
                        "providerRequest.meta values must be strings"),
                Arguments.of(helicone(REQ, TIMING), "providerResponse must be an object"),
                Arguments.of(helicone(REQ, "\"providerResponse\":{\"json\":{}}", TIMING), "providerResponse.status must be an integer"),
                Arguments.of(helicone(REQ, "\"providerResponse\":{\"status\":\"200\"}", TIMING), "providerResponse.status must be an integer"),
                Arguments.of(helicone(REQ, "\"providerResponse\":{\"status\":200.5}", TIMING), "providerResponse.status must be an integer"),
                Arguments.of(helicone(REQ, "\"providerResponse\":{\"status\":200,\"textBody\":{}}", TIMING),
                        "providerResponse.textBody must be a string"),
                Arguments.of(helicone(REQ, RES), "timing must be an object"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"endTime\":{\"seconds\":1,\"milliseconds\":0}}"),
                        "timing.startTime must be an object with seconds and milliseconds"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":\"1\"},\"endTime\":{\"seconds\":1}}"),
                        "timing.startTime must be an object with seconds and milliseconds"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":1},\"endTime\":{\"seconds\":1,\"milliseconds\":\"x\"}}"),
                        "timing.endTime must be an object with seconds and milliseconds"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":-1},\"endTime\":{\"seconds\":1}}"),
                        "timing.startTime is out of range"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":1e300},\"endTime\":{\"seconds\":1}}"),
                        "timing.startTime is out of range"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":10,\"milliseconds\":0},\"endTime\":{\"seconds\":9,\"milliseconds\":999}}"),
                        "timing.endTime is before timing.startTime"),
                Arguments.of(helicone(REQ, RES, "\"timing\":{\"startTime\":{\"seconds\":1},\"endTime\":{\"seconds\":2},\"timeToFirstToken\":-5}"),
                        "timing.timeToFirstToken must be a non-negative number of milliseconds"),
                Arguments.of(helicone(REQ, RES, TIMING, "\"provider\":7"), "provider must be a string"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":{\"Helicone-Request-Id\":\"abc\"}}", RES, TIMING),
                        "Helicone-Request-Id must be a UUID"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":{\"Helicone-Property-A\":\"\\u0000\"}}", RES, TIMING),
                        "Property values must not contain NUL characters or unpaired surrogates"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":{\"Helicone-Property-A\":\"" + "v".repeat(513) + "\"}}", RES, TIMING),
                        "Property names must be at most 128 characters and values at most 512"),
                Arguments.of(helicone("\"providerRequest\":{\"json\":{},\"meta\":{\"Helicone-User-Id\":\"" + "u".repeat(257) + "\"}}", RES, TIMING),
                        "Helicone-User-Id must be at most 256 characters"));
    }

    @ParameterizedTest
    @MethodSource("heliconeCases")
    void heliconeFormatMistakes(String body, String message) {
        assertRefused(api.post("/custom/v1/log", body), message);
    }

    static Stream<Arguments> plainCases() {
        String ok = "\"request\":{},\"status\":200,\"started_at\":\"2026-01-15T10:30:00Z\",\"ended_at\":\"2026-01-15T10:30:01Z\"";
        return Stream.of(
                Arguments.of("{}", "request must be an object"),
                Arguments.of("{\"request\":[],\"status\":200}", "request must be an object"),
                Arguments.of("{\"request\":{}}", "status must be an integer"),
                Arguments.of("{\"request\":{},\"status\":200}", "started_at is required"),
                Arguments.of("{\"request\":{},\"status\":200,\"started_at\":\"yesterday\",\"ended_at\":\"x\"}",
                        "started_at must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z"),
                Arguments.of("{\"request\":{},\"status\":200,\"started_at\":\"2026-01-15T10:30:00\",\"ended_at\":\"x\"}",
                        "started_at must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z"),
                Arguments.of("{\"request\":{},\"status\":200,\"started_at\":\"2026-01-15T10:30:00Z\"}", "ended_at is required"),
                Arguments.of("{\"request\":{},\"status\":200,\"started_at\":\"2026-01-15T10:30:01Z\",\"ended_at\":\"2026-01-15T10:30:00Z\"}",
                        "ended_at is before started_at"),
                Arguments.of("{" + ok + ",\"request_id\":\"nope\"}", "request_id must be a UUID"),
                Arguments.of("{" + ok + ",\"request_id\":5}", "request_id must be a string"),
                Arguments.of("{" + ok + ",\"properties\":[]}", "properties must be an object of strings"),
                Arguments.of("{" + ok + ",\"properties\":{\"a\":1}}", "properties must be an object of strings"),
                Arguments.of("{" + ok + ",\"model\":[]}", "model must be a string"),
                Arguments.of("{" + ok + ",\"user_id\":{}}", "user_id must be a string"),
                Arguments.of("{" + ok + ",\"time_to_first_token_ms\":\"5\"}", "time_to_first_token_ms must be a non-negative number of milliseconds"));
    }

    @ParameterizedTest
    @MethodSource("plainCases")
    void plainFormatMistakes(String body, String message) {
        assertRefused(api.post("/v1/request/log", body), message);
    }

    private static void assertRefused(Api.Response r, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        assertThat(api.get("/v1/requests").data().get("items")).as("nothing stored").isEmpty();
    }

    @Test
    void sizeAndContentTypeLimits() {
        byte[] huge = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        for (String path : new String[] {"/custom/v1/log", "/v1/request/log"}) {
            Api.Response tooLarge = api.send("POST", path, huge, "application/json");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.error()).isEqualTo("Request body too large (limit 10 MiB)");
            Api.Response text = api.send("POST", path, "{}", "text/plain");
            assertThat(text.status()).isEqualTo(415);
        }
        assertThat(api.get("/v1/requests").data().get("items")).isEmpty();
    }

    @Test
    void listQueryMistakes() {
        assertThat(api.get("/v1/requests?limit=0").error()).isEqualTo("limit must be an integer between 1 and 500");
        assertThat(api.get("/v1/requests?limit=501").error()).isEqualTo("limit must be an integer between 1 and 500");
        assertThat(api.get("/v1/requests?limit=ten").status()).isEqualTo(400);
        assertThat(api.get("/v1/requests?cursor=%25%25%25").error()).isEqualTo("Invalid cursor");
        assertThat(api.get("/v1/requests?cursor=bm9jb2xvbg").error()).isEqualTo("Invalid cursor");
    }
}
