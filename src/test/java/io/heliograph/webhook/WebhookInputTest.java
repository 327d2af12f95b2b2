package io.heliograph.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.api.ApiException;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.support.FakeResolver;
import io.heliograph.support.TestJson;
import io.heliograph.webhook.WebhookInput.NewWebhook;
import io.heliograph.webhook.WebhookInput.WebhookPatch;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The create and patch bodies of {@code /v1/webhooks}: values, defaults, and the first failure's exact message. */
class WebhookInputTest {
    private static final String OK = "https://hooks.example.com/x";

    private final WebhookInput input = new WebhookInput(new DestinationGuard(FakeResolver.standard(), false, false));

    private NewWebhook create(String json) {
        return input.parseCreate(TestJson.parse(json));
    }

    private WebhookPatch patch(String json) {
        return input.parsePatch(TestJson.parse(json));
    }

    private void assertCreateRefused(String json, String message) {
        assertThatThrownBy(() -> create(json))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage(message);
    }

    private void assertPatchRefused(String json, String message) {
        assertThatThrownBy(() -> patch(json))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage(message);
    }

    /** A {@code config} holding {@code n} filters, each key and value of the given lengths. */
    private static String filters(int n, int keyLength, int valueLength) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{\"key\":\"" + "k".repeat(keyLength) + "\",\"value\":\"" + "v".repeat(valueLength) + "\"}")
                .collect(Collectors.joining(",", "{\"destination\":\"" + OK + "\",\"config\":{\"propertyFilters\":[", "]}}"));
    }

    @Test
    void anEmptyConfigTakesTheDefaults() {
        NewWebhook w = create("{\"destination\":\"" + OK + "\",\"config\":{}}");
        assertThat(w.destination()).isEqualTo(OK);
        assertThat(w.config()).isEqualTo(new WebhookConfig(100, List.of(), true));
    }

    @Test
    void everyFieldIsRead() {
        NewWebhook w = create("""
                {"destination":"https://hooks.example.com/a?b=c","config":{"sampleRate":12.5,
                 "propertyFilters":[{"key":"env","value":"prod"},{"key":"team","value":"a"}],"includeData":false}}""");
        assertThat(w.destination()).isEqualTo("https://hooks.example.com/a?b=c");
        assertThat(w.config()).isEqualTo(new WebhookConfig(12.5,
                List.of(new PropertyFilter("env", "prod"), new PropertyFilter("team", "a")), false));
    }

    @Test
    void nullFieldsCountAsAbsent() {
        NewWebhook w = create("{\"destination\":\"" + OK + "\",\"config\":{\"sampleRate\":null,\"propertyFilters\":null,"
                + "\"includeData\":null},\"includeData\":null}");
        assertThat(w.config()).isEqualTo(new WebhookConfig(100, List.of(), true));
        assertCreateRefused("{\"destination\":null,\"config\":{}}", "Destination is required");
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":null}", "Config is required");
    }

    @Test
    void theTopLevelIncludeDataWinsAndOnlyTheOneUsedIsChecked() {
        assertThat(create("{\"destination\":\"" + OK + "\",\"config\":{\"includeData\":true},\"includeData\":false}")
                .config().includeData()).isFalse();
        assertThat(create("{\"destination\":\"" + OK + "\",\"config\":{\"includeData\":\"junk\"},\"includeData\":true}")
                .config().includeData()).isTrue();
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{\"includeData\":\"true\"}}", "includeData must be a boolean");
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{},\"includeData\":1}", "includeData must be a boolean");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "null", "\"x\"", "5"})
    void aBodyThatIsNotAnObjectIsInvalidJson(String body) {
        assertCreateRefused(body, "Invalid JSON body");
        assertPatchRefused(body, "Invalid JSON body");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"config\":{}}                                          | Destination is required",
            "{\"destination\":5,\"config\":{}}                        | Destination is required",
            "{\"destination\":\"not a url\",\"config\":{}}            | Invalid destination URL",
            "{\"destination\":\"http://hooks.example.com/x\",\"config\":{}} | Destination must use HTTPS",
            "{\"destination\":\"https://127.0.0.1/x\",\"config\":{}}  | Destination cannot point to private or internal networks",
            "{\"destination\":\"https://private.attacker.test/x\",\"config\":{}} | Destination cannot point to private or internal networks",
            "{\"destination\":\"https://hooks.example.com/x\"}        | Config is required",
            "{\"destination\":\"https://hooks.example.com/x\",\"config\":[]} | Config is required",
            "{\"destination\":\"https://hooks.example.com/x\",\"config\":\"{}\"} | Config is required",
    })
    void destinationAndConfigMessages(String body, String message) {
        assertCreateRefused(body, message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.001", "100.001", "1e3", "\"50\"", "true", "[]", "{}"})
    void aSampleRateOutsideZeroToAHundredOrNotANumberIsRefused(String rate) {
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{\"sampleRate\":" + rate + "}}",
                "Sample rate must be between 0 and 100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "100", "0.5", "99.999"})
    void sampleRatesAtAndInsideTheBoundsAreKept(String rate) {
        assertThat(create("{\"destination\":\"" + OK + "\",\"config\":{\"sampleRate\":" + rate + "}}").config().sampleRate())
                .isEqualTo(Double.parseDouble(rate));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                 | Property filters must be an array",
            "\"env=prod\"                       | Property filters must be an array",
            "[\"env\"]                          | Property filters must be an array of objects with key and value properties",
            "[{\"key\":\"env\"}]                | Property filters must be an array of objects with key and value properties",
            "[{\"value\":\"prod\"}]             | Property filters must be an array of objects with key and value properties",
            "[{\"key\":\"env\",\"value\":1}]    | Property filters must be an array of objects with key and value properties",
            "[{\"key\":null,\"value\":\"x\"}]   | Property filters must be an array of objects with key and value properties",
    })
    void filterShapeMessages(String filters, String message) {
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{\"propertyFilters\":" + filters + "}}", message);
    }

    @Test
    void filterLimitsHoldAtTheirBounds() {
        assertThat(create(filters(50, 256, 1024)).config().propertyFilters()).hasSize(50);
        assertCreateRefused(filters(51, 1, 1), "Property filters must have at most 50 entries");
        assertCreateRefused(filters(1, 257, 1), "Property filter keys must be at most 256 characters and values at most 1024");
        assertCreateRefused(filters(1, 1, 1025), "Property filter keys must be at most 256 characters and values at most 1024");
    }

    @Test
    void aDestinationIsAtMost2048Characters() {
        String exact = OK + "/" + "a".repeat(2048 - OK.length() - 1);
        assertThat(create("{\"destination\":\"" + exact + "\",\"config\":{}}").destination()).isEqualTo(exact);
        assertCreateRefused("{\"destination\":\"" + exact + "a\",\"config\":{}}", "Destination must be at most 2048 characters");
    }

    /** The spec's order: destination, config, sample rate, filters, includeData — the first failure is the answer. */
    @Test
    void createChecksRunInTheSpecsOrder() {
        assertCreateRefused("{\"destination\":\"http://x\",\"config\":5}", "Destination must use HTTPS");
        assertCreateRefused("{\"config\":{\"sampleRate\":-1}}", "Destination is required");
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"includeData\":5}", "Config is required");
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{\"sampleRate\":-1,\"propertyFilters\":5,\"includeData\":5}}",
                "Sample rate must be between 0 and 100");
        assertCreateRefused("{\"destination\":\"" + OK + "\",\"config\":{\"propertyFilters\":5,\"includeData\":5}}",
                "Property filters must be an array");
    }

    @Test
    void anEmptyPatchChangesNothing() {
        assertThat(patch("{}")).isEqualTo(new WebhookPatch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        assertThat(patch("{\"destination\":null,\"config\":null,\"enabled\":null,\"includeData\":null}"))
                .isEqualTo(new WebhookPatch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aPatchSetsOnlyThePresentFields() {
        assertThat(patch("{\"config\":{\"sampleRate\":5}}")).isEqualTo(new WebhookPatch(Optional.empty(), Optional.empty(),
                Optional.of(5.0), Optional.empty(), Optional.empty()));
        assertThat(patch("{\"destination\":\"" + OK + "\",\"enabled\":false,\"config\":{\"propertyFilters\":[],\"includeData\":false}}"))
                .isEqualTo(new WebhookPatch(Optional.of(OK), Optional.of(false), Optional.empty(), Optional.of(List.of()),
                        Optional.of(false)));
    }

    @Test
    void aPatchsTopLevelIncludeDataWinsToo() {
        assertThat(patch("{\"includeData\":true,\"config\":{\"includeData\":false}}").includeData()).contains(true);
        assertThat(patch("{\"config\":{\"includeData\":true}}").includeData()).contains(true);
    }

    @Test
    void aPatchChecksEachFieldAsCreateDoes() {
        assertPatchRefused("{\"destination\":5}", "Destination is required");
        assertPatchRefused("{\"destination\":\"http://hooks.example.com/x\"}", "Destination must use HTTPS");
        assertPatchRefused("{\"config\":[]}", "Config is required");
        assertPatchRefused("{\"config\":{\"sampleRate\":101}}", "Sample rate must be between 0 and 100");
        assertPatchRefused("{\"config\":{\"propertyFilters\":[1]}}",
                "Property filters must be an array of objects with key and value properties");
        assertPatchRefused("{\"includeData\":\"no\"}", "includeData must be a boolean");
        assertPatchRefused("{\"enabled\":\"false\"}", "enabled must be a boolean");
        assertPatchRefused("{\"enabled\":0}", "enabled must be a boolean");
    }

    @Test
    void aPatchChecksInOrderWithEnabledLast() {
        assertPatchRefused("{\"enabled\":1,\"config\":5,\"destination\":1}", "Destination is required");
        assertPatchRefused("{\"enabled\":1,\"includeData\":1,\"config\":5}", "Config is required");
        assertPatchRefused("{\"enabled\":1,\"includeData\":1,\"config\":{\"propertyFilters\":1,\"sampleRate\":-1}}",
                "Sample rate must be between 0 and 100");
        assertPatchRefused("{\"enabled\":1,\"includeData\":1}", "includeData must be a boolean");
    }
}
