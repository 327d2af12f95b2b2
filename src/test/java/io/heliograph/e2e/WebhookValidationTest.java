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

/** Every create-time validation message, exactly, and the order in which the checks run. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class WebhookValidationTest {
    static final String INVALID_JSON = "Invalid JSON body";
    static final String DESTINATION_REQUIRED = "Destination is required";
    static final String INVALID_URL = "Invalid destination URL";
    static final String HTTPS = "Destination must use HTTPS";
    static final String PRIVATE = "Destination cannot point to private or internal networks";
    static final String CONFIG = "Config is required";
    static final String SAMPLE_RATE = "Sample rate must be between 0 and 100";
    static final String FILTERS_ARRAY = "Property filters must be an array";
    static final String FILTER_SHAPE = "Property filters must be an array of objects with key and value properties";
    static final String INCLUDE_DATA = "includeData must be a boolean";
    static final String OK = null;

    @Parameter
    StoreKind store;

    static TestServer server;
    static TestServer relaxed;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.start(store);
        relaxed = TestServer.builder(store).allowHttp(true).allowPrivate(true).start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        relaxed.close();
    }

    static Stream<Arguments> createCases() {
        return Stream.of(
                // 1. not JSON or not an object
                Arguments.of("not json", INVALID_JSON),
                Arguments.of("{\"destination\":", INVALID_JSON),
                Arguments.of("[]", INVALID_JSON),
                Arguments.of("\"https://hooks.example.com\"", INVALID_JSON),
                Arguments.of("42", INVALID_JSON),
                Arguments.of("null", INVALID_JSON),
                Arguments.of("{} {}", INVALID_JSON),
                // 2. destination missing or not a string (null counts as absent)
                Arguments.of("{}", DESTINATION_REQUIRED),
                Arguments.of("{\"config\":{}}", DESTINATION_REQUIRED),
                Arguments.of("{\"destination\":null,\"config\":{}}", DESTINATION_REQUIRED),
                Arguments.of("{\"destination\":42,\"config\":{}}", DESTINATION_REQUIRED),
                Arguments.of("{\"destination\":[\"https://hooks.example.com\"],\"config\":{}}", DESTINATION_REQUIRED),
                Arguments.of("{\"destination\":42,\"config\":\"x\",\"includeData\":3}", DESTINATION_REQUIRED),
                // 3. not an absolute http(s) URL
                Arguments.of("{\"destination\":\"\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"hooks.example.com/x\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"ftp://hooks.example.com/x\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"https://\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"javascript:alert(1)\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"ftp://127.0.0.1/\"}", INVALID_URL),
                // 4. https required
                Arguments.of("{\"destination\":\"http://hooks.example.com/x\",\"config\":{}}", HTTPS),
                Arguments.of("{\"destination\":\"http://127.0.0.1/x\"}", HTTPS),
                // 5. refused hosts, before the config is looked at
                Arguments.of("{\"destination\":\"https://127.0.0.1/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://localhost/x\"}", PRIVATE),
                Arguments.of("{\"destination\":\"https://2130706433/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://0x7f.1/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://[::ffff:10.0.0.1]/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com@169.254.169.254/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://metadata.google.internal/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://private.attacker.test/x\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"https://rebind.attacker.test/x\",\"config\":{}}", PRIVATE),
                // 6. config missing or not an object
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\"}", CONFIG),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":null}", CONFIG),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":[]}", CONFIG),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":\"{}\"}", CONFIG),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"includeData\":\"x\"}", CONFIG),
                // 7. sample rate
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":\"50\"}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":-0.01}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":100.001}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":1e400}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":true}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"sampleRate\":101,\"propertyFilters\":5}}", SAMPLE_RATE),
                // 8. filters not an array
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":{}}}", FILTERS_ARRAY),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":\"model\"}}", FILTERS_ARRAY),
                // 9. filter elements
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[1]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":\"a\"}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"value\":\"a\"}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":\"a\",\"value\":1}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":null,\"value\":\"a\"}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[[\"a\",\"b\"]]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":\"a\",\"value\":\"b\"},null]},\"includeData\":1}", FILTER_SHAPE),
                // 10. includeData
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{},\"includeData\":\"true\"}", INCLUDE_DATA),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"includeData\":0}}", INCLUDE_DATA),
                // accepted
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}", OK),
                Arguments.of("{\"destination\":\"https://HOOKS.example.com:8443/x?y=1#z\",\"config\":{\"sampleRate\":0}}", OK),
                Arguments.of("{\"destination\":\"https://not-yet-registered.example.org/x\",\"config\":{\"sampleRate\":100}}", OK),
                Arguments.of("{\"destination\":\"https://93.184.216.34/x\",\"config\":{\"sampleRate\":0.5}}", OK),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":\"a\",\"value\":\"\",\"extra\":1}]},\"includeData\":false,\"unknown\":1}", OK));
    }

    @ParameterizedTest
    @MethodSource("createCases")
    void createAnswersTheFirstFailingCheck(String body, String expectedError) {
        Api.Response r = server.api().post("/v1/webhooks", body);
        if (expectedError == null) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.error()).isNull();
        } else {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"" + expectedError + "\"}");
        }
    }

    @Test
    void theAllowFlagsRelaxTheHttpsAndPrivateRules() {
        for (String destination : new String[] {"http://127.0.0.1:9/x", "http://localhost/x", "https://10.0.0.1/x",
                "http://private.attacker.test/x"}) {
            Api.Response r = relaxed.api().post("/v1/webhooks", "{\"destination\":\"" + destination + "\",\"config\":{}}");
            assertThat(r.status()).as(destination + " " + r.body()).isEqualTo(200);
            assertThat(r.data().get("destination").asText()).isEqualTo(destination);
        }
        // Still a URL check: relaxing never accepts a non-URL.
        assertThat(relaxed.api().post("/v1/webhooks", "{\"destination\":\"ftp://127.0.0.1/\",\"config\":{}}").error())
                .isEqualTo(INVALID_URL);
    }

    @Test
    void limitsBeyondTheSpecHaveTheirOwnMessages() {
        String longUrl = "https://hooks.example.com/" + "a".repeat(2100);
        assertThat(server.api().post("/v1/webhooks", "{\"destination\":\"" + longUrl + "\",\"config\":{}}").error())
                .isEqualTo("Destination must be at most 2048 characters");
        StringBuilder filters = new StringBuilder("[");
        for (int i = 0; i < 51; i++) {
            filters.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\",\"value\":\"v\"}");
        }
        filters.append(']');
        assertThat(server.api().post("/v1/webhooks",
                        "{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":" + filters + "}}").error())
                .isEqualTo("Property filters must have at most 50 entries");
        assertThat(server.api().post("/v1/webhooks",
                        "{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":[{\"key\":\"k\",\"value\":\""
                                + "v".repeat(1025) + "\"}]}}").error())
                .isEqualTo("Property filter keys must be at most 256 characters and values at most 1024");
    }

    static final String DESTINATION_TOO_LONG = "Destination must be at most 2048 characters";
    static final String TOO_MANY_FILTERS = "Property filters must have at most 50 entries";
    static final String FILTER_TOO_LONG = "Property filter keys must be at most 256 characters and values at most 1024";
    static final String ENABLED = "enabled must be a boolean";

    private static final String LONG_URL = "https://hooks.example.com/" + "a".repeat(2100);

    private static String filters(int count, String firstKey) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("{\"key\":\"").append(i == 0 ? firstKey : "k" + i).append("\",\"value\":\"v\"}");
        }
        return json.append(']').toString();
    }

    /** Bodies that fail several checks at once: the spec's checks 1–10 come before the limits beyond it. */
    static Stream<Arguments> severalFailures() {
        String tooMany = filters(51, "k0");
        String longKey = filters(1, "k".repeat(300));
        String tooManyWithBadOne = tooMany.substring(0, tooMany.length() - 1) + ",{\"key\":\"x\"}]";
        return Stream.of(
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"config\":{\"sampleRate\":200}}", SAMPLE_RATE),
                Arguments.of("{\"destination\":\"" + LONG_URL + "\"}", CONFIG),
                Arguments.of("{\"destination\":\"not a url " + "a".repeat(2100) + "\",\"config\":{}}", INVALID_URL),
                Arguments.of("{\"destination\":\"https://127.0.0.1/" + "a".repeat(2100) + "\",\"config\":{}}", PRIVATE),
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"config\":{},\"includeData\":\"no\"}", INCLUDE_DATA),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":" + tooManyWithBadOne + "}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":" + tooMany + "},\"includeData\":1}", INCLUDE_DATA),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":"
                        + longKey.substring(0, longKey.length() - 1) + ",{\"key\":1,\"value\":\"v\"}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":" + longKey + "},\"includeData\":[]}", INCLUDE_DATA),
                // Beyond the spec: destination length, then the filters' count, then their lengths.
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"config\":{\"propertyFilters\":" + tooMany + "}}", DESTINATION_TOO_LONG),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":"
                        + filters(51, "k".repeat(300)) + "}}", TOO_MANY_FILTERS),
                Arguments.of("{\"destination\":\"https://hooks.example.com/x\",\"config\":{\"propertyFilters\":" + longKey + "}}", FILTER_TOO_LONG));
    }

    @ParameterizedTest
    @MethodSource("severalFailures")
    void createWithSeveralFailuresAnswersTheFirstInOrder(String body, String expectedError) {
        Api.Response r = server.api().post("/v1/webhooks", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo(expectedError);
    }

    /** PATCH runs the same checks on what it is given; {@code enabled} comes after the spec's checks, before the limits. */
    static Stream<Arguments> severalPatchFailures() {
        return Stream.concat(severalFailures(), Stream.of(
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"enabled\":\"yes\"}", ENABLED),
                Arguments.of("{\"enabled\":\"yes\",\"includeData\":\"yes\"}", INCLUDE_DATA),
                Arguments.of("{\"enabled\":1,\"config\":{\"sampleRate\":-1}}", SAMPLE_RATE),
                Arguments.of("{\"enabled\":1,\"config\":{\"propertyFilters\":" + filters(51, "k0") + "}}", ENABLED),
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"config\":{\"propertyFilters\":[{\"key\":\"a\"}]}}", FILTER_SHAPE),
                Arguments.of("{\"destination\":\"" + LONG_URL + "\",\"config\":{\"sampleRate\":200}}", SAMPLE_RATE)))
                // A PATCH without config is fine: drop the create cases that fail only for a missing config.
                .filter(a -> a.get()[1] != CONFIG);
    }

    @ParameterizedTest
    @MethodSource("severalPatchFailures")
    void patchWithSeveralFailuresAnswersTheFirstInOrder(String body, String expectedError) {
        String id = server.api().post("/v1/webhooks", "{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}")
                .data().get("id").asText();
        Api.Response r = server.api().patch("/v1/webhooks/" + id, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo(expectedError);
    }
}
