package io.heliograph.bench;

import io.heliograph.delivery.BodyLinks;
import io.heliograph.delivery.Dispatcher;
import io.heliograph.delivery.Matching;
import io.heliograph.delivery.Payloads;
import io.heliograph.delivery.Signatures;
import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.LogInput;
import io.heliograph.ingest.PlainLogFormat;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.JsJson;
import io.heliograph.webhook.PropertyFilter;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure work done for every log and every delivery attempt: matching a log against an org's
 * webhooks, writing the payload (JavaScript-compatible JSON), and signing it in both schemes.
 * Run: {@code bench/jmh.sh} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {
    /** An org's webhooks, a quarter with no filter, the rest with one to three; a third sampled at 37.5 %. */
    @State(Scope.Benchmark)
    public static class Org {
        @Param({"1", "10", "100"})
        public int webhooks;

        List<Webhook> all;

        @Setup
        public void setUp() {
            all = new ArrayList<>();
            for (int i = 0; i < webhooks; i++) {
                List<PropertyFilter> filters = switch (i % 4) {
                    case 0 -> List.of();
                    case 1 -> List.of(new PropertyFilter("environment", "prod"));
                    case 2 -> List.of(new PropertyFilter("environment", "prod"), new PropertyFilter("model", "gpt-4o"));
                    default -> List.of(new PropertyFilter("team", "search"), new PropertyFilter("user_id", "user_123"),
                            new PropertyFilter("provider", "openai"));
                };
                all.add(webhook(UUID.randomUUID().toString(), i % 3 == 0 ? 37.5 : 100, filters, null));
            }
        }
    }

    private Webhook webhook;
    private Webhook rotated;
    private RequestLog smallLog;
    private RequestLog largeLog;
    private Payloads payloads;
    private byte[] body;
    private String requestJson;
    private byte[] plainLog;

    @Setup
    public void setUp() {
        webhook = webhook(UUID.randomUUID().toString(), 100, List.of(), null);
        rotated = webhook(UUID.randomUUID().toString(), 100, List.of(), "p".repeat(64));
        requestJson = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                + "{\"role\":\"user\",\"content\":\"" + "Tell me about webhooks. ".repeat(25) + "\"}],\"temperature\":0.7,\"max_tokens\":256}";
        String response = "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1736937000,\"model\":\"gpt-4o-2024-08-06\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Webhooks are HTTP callbacks.\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":130,\"completion_tokens\":17,\"total_tokens\":147}}";
        smallLog = log(requestJson, response);
        String big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(60 * 1024) + "\"}]}";
        largeLog = log(big, response);
        payloads = new Payloads(64 * 1024, new BodyLinks(() -> "https://heliograph.example.com", "s".repeat(64), Clock.systemUTC()));
        body = payloads.build(webhook, smallLog);
        plainLog = ("{\"request_id\":\"1a2b3c4d-0001-4f2e-9a1b-00000000002a\",\"model\":\"gpt-4o\",\"provider\":\"OPENAI\","
                + "\"status\":200,\"started_at\":\"2026-12-07T22:51:30.276Z\",\"ended_at\":\"2026-12-07T22:51:31.102Z\","
                + "\"properties\":{\"scenario\":\"wrk\",\"lane\":\"main\"},"
                + "\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(700) + "\"}]},"
                + "\"response\":{\"choices\":[{\"message\":{\"content\":\"Hi!\"}}],\"usage\":{\"prompt_tokens\":13,"
                + "\"completion_tokens\":17}}}").getBytes(StandardCharsets.UTF_8);
    }

    private static Webhook webhook(String id, double rate, List<PropertyFilter> filters, String previousKey) {
        Webhook webhook = Webhook.builder()
                .orgId("org")
                .id(id)
                .destination("https://hooks.example.com/x")
                .config(new WebhookConfig(rate, filters, true))
                .hmacKey(previousKey == null ? "k".repeat(64) : previousKey)
                .build();
        return previousKey == null ? webhook : webhook.rotated("k".repeat(64), System.currentTimeMillis(), java.time.Duration.ofHours(1));
    }

    private static RequestLog log(String request, String response) {
        return RequestLog.builder()
                .orgId("org")
                .id(UUID.randomUUID().toString())
                .provider("OPENAI")
                .model("gpt-4o")
                .userId("user_123")
                .status(200)
                .startedAt(1_736_937_000_000L)
                .endedAt(1_736_937_000_930L)
                .properties(Map.of("environment", "prod", "team", "search"))
                .requestBody(request)
                .responseBody(response)
                .usage(new Usage(130L, 17L, 147L, null, null))
                .cost(0.0004945)
                .outcome(Outcome.COMPLETED)
                .build();
    }

    /** {@code POST /v1/request/log}'s parse of the load harness's ~1 KiB log (bench/wrk/log.lua's shape). */
    @Benchmark
    public LogInput parsePlainLog() {
        return PlainLogFormat.parse(plainLog, Map.of());
    }

    /** Which of the org's webhooks a new log goes to (sampling and filters), as the outbox does. */
    @Benchmark
    public void matchAgainstEveryWebhook(Org org, Blackhole bh) {
        for (Webhook w : org.all) {
            bh.consume(Matching.matches(w, smallLog));
        }
    }

    /** The payload of a typical ~1 KiB chat log, bodies inline. */
    @Benchmark
    public byte[] payloadSmall() {
        return payloads.build(webhook, smallLog);
    }

    /** A payload whose request is ~60 KiB, just under the inline limit. */
    @Benchmark
    public byte[] payloadNearInlineLimit() {
        return payloads.build(webhook, largeLog);
    }

    /** JavaScript's JSON.stringify(JSON.parse(x)) of a request body on its own. */
    @Benchmark
    public String jsJsonRoundTrip() {
        return JsJson.stringify(JsJson.parse(requestJson));
    }

    /** The same in one pass over the text, as payloads write their bodies (JsJson.canonical). */
    @Benchmark
    public String jsJsonCanonical() {
        return JsJson.canonical(requestJson);
    }

    /** Helicone's scheme: hex HMAC-SHA256 of the body. */
    @Benchmark
    public String signHelicone() {
        return Signatures.helicone(body, webhook.hmacKey());
    }

    /** Every header of one attempt: both schemes, one key. */
    @Benchmark
    public Map<String, String> attemptHeadersOneKey() {
        return Dispatcher.headers(webhook, "msg_0123456789abcdef0123456789abcdef", body, System.currentTimeMillis());
    }

    /** The same during a key rotation: two Standard Webhooks signatures. */
    @Benchmark
    public Map<String, String> attemptHeadersTwoKeys() {
        return Dispatcher.headers(rotated, "msg_0123456789abcdef0123456789abcdef", body, System.currentTimeMillis());
    }
}
