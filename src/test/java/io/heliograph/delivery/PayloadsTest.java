package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.JsJson;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payload's Helicone fields {@code request_body} / {@code response_body}: the bodies as JSON text,
 * Helicone's notice over 10 KB (counted as JavaScript counts a string's length), only with
 * includeData, independent of the inline limit.
 */
@SuppressWarnings("unchecked")
class PayloadsTest {
    private static final String NOTICE = "Body too large for webhook, please fetch the full request and response from Helicone";
    private static final BodyLinks LINKS = new BodyLinks(() -> "http://localhost:8585", "secret",
            Clock.fixed(Instant.ofEpochSecond(1_768_473_000L), ZoneOffset.UTC));

    private static Webhook webhook(boolean includeData) {
        return Webhook.builder().orgId("org").id("id").createdAt(0).destination("https://hooks.example.com/x")
                .config(new WebhookConfig(100, List.of(), includeData)).hmacKey("k").build();
    }

    private static RequestLog log(String request, String response) {
        return RequestLog.builder().orgId("org").id("5b1a2c64-7a53-4b4e-8f1e-0f2b8a1d9c11").provider("OPENAI").model("gpt-4o")
                .status(200).startedAt(1_768_473_000_000L).endedAt(1_768_473_000_930L).properties(Map.of())
                .requestBody(request).responseBody(response).usage(Usage.NONE).outcome(Outcome.COMPLETED).build();
    }

    private static Map<String, Object> payload(long inlineLimit, boolean includeData, String request, String response) {
        byte[] bytes = new Payloads(inlineLimit, LINKS).build(webhook(includeData), log(request, response));
        return (Map<String, Object>) JsJson.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /** A request body whose JSON.stringify text is exactly {@code length} UTF-16 code units long. */
    private static String requestOfLength(int length, String filler) {
        String shell = "{\"content\":\"\"}";
        int units = length - shell.length();
        return "{\"content\":\"" + filler.repeat(units / filler.length()) + "\"}";
    }

    @Test
    void theBodiesAreTheirJsonTextAsJavaScriptWritesIt() {
        Map<String, Object> p = payload(65_536, true, "{ \"model\" : \"gpt-4o\", \"n\": 1.0, \"2\": \"\\u0041\" }", "\"plain text\"");
        assertThat(p.get("request_body")).isEqualTo("{\"2\":\"A\",\"model\":\"gpt-4o\",\"n\":1}");
        assertThat(p.get("response_body")).isEqualTo("\"plain text\"");
        assertThat(List.<Object>copyOf(p.keySet())).containsSubsequence("request", "response", "request_body", "response_body",
                "request_response_url");
    }

    @Test
    void overTenKilobytesOfTextABodyIsHeliconesNotice() {
        String atLimit = requestOfLength(10_240, "z");
        String overLimit = requestOfLength(10_241, "z");
        assertThat(JsJson.canonical(atLimit)).hasSize(10_240);
        assertThat(JsJson.canonical(overLimit)).hasSize(10_241);
        assertThat(payload(65_536, true, atLimit, overLimit).get("request_body")).isEqualTo(atLimit);
        assertThat(payload(65_536, true, atLimit, overLimit).get("response_body")).isEqualTo(NOTICE);
        assertThat(Payloads.BODY_TOO_LARGE).isEqualTo(NOTICE);
    }

    @Test
    void theLimitCountsUtf16UnitsAsJavaScriptDoesNotBytes() {
        // 5,000 'é' are 10,000 UTF-8 bytes but 5,000 units: kept. 2,600 '😀' are 5,200 units (10,400 bytes): kept too.
        String accents = requestOfLength(5_014, "é");
        String emoji = requestOfLength(5_214, "😀");
        String tooManyEmoji = requestOfLength(10_242, "😀");
        assertThat(payload(65_536, true, accents, emoji).get("request_body")).isEqualTo(accents);
        assertThat(payload(65_536, true, accents, emoji).get("response_body")).isEqualTo(emoji);
        assertThat(payload(65_536, true, tooManyEmoji, null).get("request_body")).isEqualTo(NOTICE);
    }

    @Test
    void theRuleIsIndependentOfTheInlineLimit() {
        Map<String, Object> p = payload(16, true, "{\"model\":\"gpt-4o\",\"messages\":[]}", null);
        assertThat(p.get("request_truncated")).isEqualTo(true);
        assertThat(p.containsKey("request")).isFalse();
        assertThat(p.get("request_body")).isEqualTo("{\"model\":\"gpt-4o\",\"messages\":[]}");
    }

    @Test
    void noBodyOrAnOmittedOneIsNull() {
        Map<String, Object> p = payload(65_536, true, "null", null);
        assertThat(p.containsKey("request_body")).isTrue();
        assertThat(p.get("request_body")).isNull();
        assertThat(p.containsKey("response_body")).isTrue();
        assertThat(p.get("response_body")).isNull();
    }

    @Test
    void withoutIncludeDataNeitherIsSent() {
        Map<String, Object> p = payload(65_536, false, "{\"a\":1}", "{\"b\":2}");
        assertThat(p).doesNotContainKeys("request", "response", "request_body", "response_body", "request_response_url");
        Map<String, Object> sample = (Map<String, Object>) JsJson.parse(new String(Payloads.sample(webhook(false), 0), StandardCharsets.UTF_8));
        assertThat(sample).doesNotContainKeys("request_body", "response_body");
    }

    @Test
    void theTestPayloadCarriesThemToo() {
        Map<String, Object> sample = (Map<String, Object>) JsJson.parse(new String(Payloads.sample(webhook(true), 0), StandardCharsets.UTF_8));
        assertThat(sample.get("request_body")).isEqualTo(JsJson.stringify(sample.get("request")));
        assertThat(sample.get("response_body")).isEqualTo(JsJson.stringify(sample.get("response")));
    }
}
