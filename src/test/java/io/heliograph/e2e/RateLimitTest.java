package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.support.Api;
import io.heliograph.support.FakeUpstream;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Per-key rate limits: management routes, log routes and the gateway, each with its own limit. */
class RateLimitTest {
    private static final int MANAGEMENT = 5;
    private static final int INGEST = 3;

    private static List<Api.Response> burst(int n, java.util.function.Supplier<Api.Response> call) {
        List<Api.Response> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(call.get());
        }
        return answers;
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void eachKeyGetsItsRateThenA429WithRetryAfter(StoreKind store) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
                TestServer server = TestServer.builder(store).rateLimits(MANAGEMENT, INGEST).openAiBaseUrl(upstream.baseUrl()).start()) {
            upstream.on("/v1/models", FakeUpstream.json(200, "{\"data\":[]}"));
            Api a = server.api();
            Api b = server.apiForNewKey("other-" + UUID.randomUUID());

            List<Api.Response> answers = burst(MANAGEMENT + 3, () -> a.get("/v1/webhooks"));
            assertThat(answers.subList(0, MANAGEMENT)).allMatch(r -> r.status() == 200);
            Api.Response limited = answers.get(answers.size() - 1);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.body()).isEqualTo(
                    "{\"data\":null,\"error\":\"Rate limit exceeded: 5 requests per second per API key\"}");
            assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
            // Another key of another org is not held back by the first one's burst.
            assertThat(b.get("/v1/webhooks").status()).isEqualTo(200);
            // A key that is not a key is still 401, never a 429 that would confirm anything.
            assertThat(a.withKey("hg_nope").get("/v1/webhooks").status()).isEqualTo(401);

            // Log routes have the ingest limit, counted apart from the management one.
            List<Api.Response> logs = burst(INGEST + 2,
                    () -> b.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod")));
            assertThat(logs.subList(0, INGEST)).allMatch(r -> r.status() == 200);
            assertThat(logs.get(logs.size() - 1).status()).isEqualTo(429);
            assertThat(logs.get(logs.size() - 1).header("Retry-After")).isNotNull();

            // …and so does the gateway; a refused call never reaches the upstream.
            HttpClient http = HttpClient.newHttpClient();
            List<Integer> statuses = new ArrayList<>();
            Api c = server.apiForNewKey("gw-" + UUID.randomUUID());
            String cKey = c.apiKey();
            for (int i = 0; i < INGEST + 2; i++) {
                statuses.add(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oai/v1/models"))
                        .header("Helicone-Auth", "Bearer " + cKey).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            assertThat(statuses.subList(0, INGEST)).containsOnly(200);
            assertThat(statuses.get(statuses.size() - 1)).isEqualTo(429);
            assertThat(upstream.calls().stream().filter(call -> call.pathAndQuery().equals("/v1/models")).count())
                    .isLessThan(INGEST + 2);
        }
    }
}
