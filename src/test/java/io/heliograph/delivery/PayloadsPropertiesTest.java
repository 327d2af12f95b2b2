package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.JsJson;
import io.heliograph.support.RouteJunk;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The payload with generated bodies: it is its own JavaScript canonical form (so each body's text,
 * written once and placed inline, sits where a whole-tree stringify would have put it), each inline
 * body is the stored body as JavaScript reads it, each Helicone {@code *_body} is that body's text,
 * and a body over the inline limit (in UTF-8 bytes) is left out and marked truncated.
 */
@SuppressWarnings("unchecked")
class PayloadsPropertiesTest {
    private static final BodyLinks LINKS = new BodyLinks(() -> "http://localhost:8585", "secret",
            Clock.fixed(Instant.ofEpochSecond(1_768_473_000L), ZoneOffset.UTC));
    private static final Webhook WEBHOOK = Webhook.builder().orgId("org").id("id").createdAt(0)
            .destination("https://hooks.example.com/x").config(new WebhookConfig(100, List.of(), true)).hmacKey("k").build();

    @Property(tries = 600)
    void eachBodyIsWrittenInlineAndAsTextWhereAWholeTreeStringifyPutsIt(@ForAll("bodies") String request,
            @ForAll("bodies") String response, @ForAll @IntRange(min = 0, max = 300) int inlineLimit) {
        RequestLog log = RequestLog.builder().orgId("org").id("5b1a2c64-7a53-4b4e-8f1e-0f2b8a1d9c11").provider("OPENAI")
                .model("gpt-4o").status(200).startedAt(1_768_473_000_000L).endedAt(1_768_473_000_930L)
                .properties(Map.of("b", "2", "a", "1")).requestBody(request).responseBody(response).usage(Usage.NONE)
                .outcome(Outcome.COMPLETED).build();

        String text = new String(new Payloads(inlineLimit, LINKS).build(WEBHOOK, log), StandardCharsets.UTF_8);

        assertThat(JsJson.canonical(text)).isEqualTo(text);
        Map<String, Object> payload = (Map<String, Object>) JsJson.parse(text);
        checkBody(payload, "request", request, inlineLimit);
        checkBody(payload, "response", response, inlineLimit);
    }

    private static void checkBody(Map<String, Object> payload, String name, String stored, int inlineLimit) {
        if (stored == null) {
            assertThat(payload).containsEntry(name, null).containsEntry(name + "_body", null);
            return;
        }
        String canonical = JsJson.canonical(stored);
        boolean inline = stored.getBytes(StandardCharsets.UTF_8).length <= inlineLimit;
        if (JsJson.parse(stored) == null) { // a JSON null body is no body: null in both fields, like a missing one
            assertThat(payload).containsEntry(name + "_body", null);
            assertThat(payload).containsEntry(inline ? name : name + "_truncated", inline ? null : true);
            return;
        }
        if (!inline) {
            assertThat(payload).doesNotContainKey(name).containsEntry(name + "_truncated", true);
        } else {
            assertThat(payload).doesNotContainKey(name + "_truncated");
            assertThat(JsJson.stringify(payload.get(name))).isEqualTo(canonical);
        }
        assertThat(payload.get(name + "_body"))
                .isEqualTo(canonical.length() > Payloads.HELICONE_BODY_LIMIT ? Payloads.BODY_TOO_LARGE : canonical);
    }

    @Property(tries = 2_000)
    void theUtf8LengthIsWhatTheJdksEncoderWrites(@ForAll("text") String s) {
        assertThat(Payloads.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                RouteJunk.jsonValue(3),
                // Array-index keys (JavaScript writes them first, ascending), whitespace, number forms.
                Arbitraries.of(" { \"b\" : 1 , \"10\" : [ 1e2 , -0 , 0.10 ] , \"2\" : { \"1\" : \"x\" , \"0\" : null } } ",
                        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\" \\u00e9\\ud83d\\ude00\"}]}",
                        "[\"" + "y".repeat(10_300) + "\"]", "\"\\ud800\"", "1E400", "{\"a\":1,\"a\":2}"));
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40), RouteJunk.junkText());
    }
}
