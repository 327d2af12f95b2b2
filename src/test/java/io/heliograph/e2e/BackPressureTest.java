package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.ingest.IngestBudget;
import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.Logs;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ingest budget as a client meets it: while a large log is being received, the server holds all
 * the log memory it may, so other logs and gateway requests are answered 503 with Retry-After in the
 * envelope — before their body is read, and before the gateway forwards anything. Once the large log
 * is committed, the same requests succeed.
 */
class BackPressureTest {
    private static final long BUDGET = 256 * 1024;
    private static final int LARGE_BODY = 100_000;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aFullBudgetAnswers503UntilTheLogsInFlightAreCommitted(StoreKind kind) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
                TestServer server = TestServer.builder(kind).ingestMemory(BUDGET).openAiBaseUrl(upstream.baseUrl()).start()) {
            upstream.on("/v1/chat/completions", FakeUpstream.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                    + "\"model\":\"gpt-4o\",\"choices\":[]}"));
            Api api = server.api();
            String largeId = UUID.randomUUID().toString();
            String large = Logs.plain(largeId, "gpt-4o", null, "{}", "2026-12-07T10:00:00.000Z", "2026-12-07T10:00:01.000Z")
                    .replace("\"hello\"", "\"" + "x".repeat(LARGE_BODY) + "\"");
            byte[] body = large.getBytes(StandardCharsets.UTF_8);

            try (Socket slow = new Socket("127.0.0.1", server.heliograph().port())) {
                slow.setSoTimeout(20_000);
                OutputStream out = slow.getOutputStream();
                out.write(("POST /v1/request/log HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.apiKey()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, 1000); // the rest later: the server holds this log's share meanwhile
                out.flush();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertOverloaded(
                        api.post("/v1/request/log", Logs.plain(null, "gpt-4o", null, "{}", "2026-12-07T10:00:00.000Z",
                                "2026-12-07T10:00:01.000Z"))));
                Api.Response gateway = api.postWithHeaders("/oai/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}",
                        Map.of("Helicone-Auth", "Bearer " + api.apiKey(), "Authorization", "Bearer sk-test"));
                assertOverloaded(gateway);
                assertThat(upstream.calls()).as("nothing forwarded while the budget is spent").isEmpty();

                out.write(body, 1000, body.length - 1000);
                out.flush();
                String answer = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(answer).isEqualTo("HTTP/1.1 200");
            }

            assertThat(api.get("/v1/request/" + largeId).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> reserved(api) == 0);
            Api.Response small = api.post("/v1/request/log", Logs.plain(null, "gpt-4o", null, "{}", "2026-12-07T10:00:00.000Z",
                    "2026-12-07T10:00:01.000Z"));
            assertThat(small.status()).as(small.body()).isEqualTo(200);
            Api.Response gateway = api.postWithHeaders("/oai/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}",
                    Map.of("Helicone-Auth", "Bearer " + api.apiKey(), "Authorization", "Bearer sk-test"));
            assertThat(gateway.status()).as(gateway.body()).isEqualTo(200);
            assertThat(upstream.calls()).hasSize(1);
        }
    }

    /** The reserved-memory gauge, as Prometheus would scrape it. */
    private static double reserved(Api api) {
        return api.get("/metrics").body().lines().filter(l -> l.startsWith("heliograph_ingest_memory_reserved_bytes "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    private static void assertOverloaded(Api.Response answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("1");
        assertThat(answer.json().get("data").isNull()).isTrue();
        assertThat(answer.error()).isEqualTo(IngestBudget.OVERLOADED);
    }
}
