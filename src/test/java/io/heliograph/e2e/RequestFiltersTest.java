package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code status=} and {@code outcome=} on {@code GET /v1/requests}, alone, together and with paging, on each store. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class RequestFiltersTest {
    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        // Port 9 has no listener on loopback: every gateway call is refused upstream, logged upstream_unreachable.
        server = TestServer.builder(store).openAiBaseUrl("http://127.0.0.1:9").start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String plainLog(String id, int status) {
        return Webhooks.log(id, "gpt-4o", "prod").replace("\"status\":200", "\"status\":" + status);
    }

    private static List<String> ids(Api api, String query) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/v1/requests?limit=1&" + query + (cursor == null ? "" : "&cursor=" + cursor)).data();
            page.get("items").forEach(i -> ids.add(i.get("request_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    @Test
    void logsAreFilteredByExactStatusStatusClassAndOutcome() throws Exception {
        Api api = server.apiForNewKey("org-" + UUID.randomUUID());
        String ok = UUID.randomUUID().toString();
        String limited = UUID.randomUUID().toString();
        String broken = UUID.randomUUID().toString();
        for (String[] log : new String[][] {{ok, "200"}, {limited, "429"}, {broken, "500"}}) {
            assertThat(api.post("/v1/request/log", plainLog(log[0], Integer.parseInt(log[1]))).status()).isEqualTo(200);
        }
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                + "/oai/v1/chat/completions")).header("Helicone-Auth", "Bearer " + api.apiKey())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(502);
        String unreachable = refused.headers().firstValue("Helicone-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/request/" + unreachable).status() == 200);

        assertThat(ids(api, "")).hasSize(4);
        assertThat(ids(api, "status=500")).containsExactly(broken);
        assertThat(ids(api, "status=5xx")).containsExactlyInAnyOrder(broken, unreachable);
        assertThat(ids(api, "status=4xx")).containsExactly(limited);
        assertThat(ids(api, "status=2xx")).containsExactly(ok);
        assertThat(ids(api, "status=3xx")).isEmpty();
        assertThat(ids(api, "outcome=upstream_unreachable")).containsExactly(unreachable);
        assertThat(ids(api, "outcome=completed")).containsExactlyInAnyOrder(ok, limited, broken);
        assertThat(ids(api, "outcome=completed&status=5xx")).containsExactly(broken);
        assertThat(ids(api, "outcome=cancelled")).isEmpty();
        assertThat(ids(api, "status=5xx&model=gpt-4o&user_id=user_123")).containsExactly(broken);
        assertThat(ids(api, "status=&outcome=")).as("empty: no filter").hasSize(4);
    }

    @Test
    void aBadStatusOrOutcomeIsA400InTheEnvelope() {
        Api api = server.apiForNewKey("org-" + UUID.randomUUID());
        String badStatus = "status must be an HTTP status from 100 to 599, or a class such as 5xx";
        String badOutcome = "outcome must be one of completed, cancelled, upstream_timeout, upstream_unreachable, upstream_failed";
        for (String value : List.of("600", "99", "099", "6xx", "0xx", "5XX", "abc", "200.0", "-200", "2000", "%00", "5x", "%E2%80%8B500")) {
            Api.Response r = api.get("/v1/requests?status=" + value);
            assertThat(r.status()).as(value).isEqualTo(400);
            assertThat(r.error()).as(value).isEqualTo(badStatus);
        }
        for (String value : List.of("COMPLETED", "done", "upstream", "%00", "completed%20")) {
            Api.Response r = api.get("/v1/requests?outcome=" + value);
            assertThat(r.status()).as(value).isEqualTo(400);
            assertThat(r.error()).as(value).isEqualTo(badOutcome);
        }
    }
}
