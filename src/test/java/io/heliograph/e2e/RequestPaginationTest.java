package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Walking 250 logs page by page, newest first, with and without filters, while new logs arrive. */
class RequestPaginationTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void pagesWalkEveryLogOnceNewestFirst(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            Api api = server.api();
            long base = Instant.parse("2026-01-15T10:00:00Z").toEpochMilli();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                // Every fifth pair shares a start time, so the id tie-break is exercised too.
                long start = base + (i / 2) * 1000L;
                String model = i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini";
                String body = """
                        {"request_id":"%s","model":"%s","user_id":"user-%d","properties":{"Shard":"%d"},
                         "request":{"n":%d},"response":{},"status":200,"started_at":"%s","ended_at":"%s"}"""
                        .formatted(UUID.randomUUID(), model, i % 3, i % 5, i, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + 5));
                Api.Response r = api.post("/v1/request/log", body);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                ids.add(r.data().get("request_id").asText());
            }

            List<JsonNode> all = walk(api, "/v1/requests?limit=37", null);
            assertThat(all).hasSize(250);
            assertThat(all.stream().map(n -> n.get("request_id").asText()).toList()).containsExactlyInAnyOrderElementsOf(ids);
            for (int i = 1; i < all.size(); i++) {
                JsonNode prev = all.get(i - 1);
                JsonNode cur = all.get(i);
                int byTime = prev.get("created_at").asText().compareTo(cur.get("created_at").asText());
                assertThat(byTime > 0 || (byTime == 0 && prev.get("request_id").asText().compareTo(cur.get("request_id").asText()) > 0))
                        .as("newest first at %d", i).isTrue();
                assertThat(cur.has("request")).as("list items leave bodies out").isFalse();
            }

            assertThat(walk(api, "/v1/requests?limit=500", null)).hasSize(250);
            assertThat(walk(api, "/v1/requests", null)).hasSize(250);
            assertThat(walk(api, "/v1/requests?limit=20&model=gpt-4o", null)).hasSize(125)
                    .allSatisfy(n -> assertThat(n.get("model").asText()).isEqualTo("gpt-4o"));
            assertThat(walk(api, "/v1/requests?limit=20&user_id=user-1", null)).hasSize(83);
            assertThat(walk(api, "/v1/requests?limit=7&property.shard=3", null)).hasSize(50)
                    .allSatisfy(n -> assertThat(n.get("properties").get("shard").asText()).isEqualTo("3"));
            assertThat(walk(api, "/v1/requests?limit=7&property.Shard=3&model=gpt-4o-mini&user_id=user-0", null))
                    .allSatisfy(n -> assertThat(n.get("user_id").asText()).isEqualTo("user-0"))
                    .hasSize((int) java.util.stream.IntStream.range(0, 250).filter(i -> i % 5 == 3 && i % 2 == 1 && i % 3 == 0).count());
            assertThat(walk(api, "/v1/requests?property.shard=9", null)).isEmpty();

            // A log arriving mid-walk (newest of all) neither repeats nor hides the ones already paged.
            List<JsonNode> walked = walk(api, "/v1/requests?limit=50", () -> api.post("/v1/request/log", """
                    {"request":{},"status":200,"started_at":"2030-01-01T00:00:00Z","ended_at":"2030-01-01T00:00:01Z"}"""));
            Set<String> unique = new HashSet<>();
            walked.forEach(n -> assertThat(unique.add(n.get("request_id").asText())).isTrue());
            assertThat(unique).containsAll(ids);
        }
    }

    private static List<JsonNode> walk(Api api, String path, Runnable afterFirstPage) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String url = cursor == null ? path : path + (path.contains("?") ? "&" : "?") + "cursor=" + cursor;
            Api.Response r = api.get(url);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.data().get("items").forEach(items::add);
            JsonNode next = r.data().get("next_cursor");
            cursor = next.isNull() ? null : next.asText();
            if (pages++ == 0 && afterFirstPage != null) {
                afterFirstPage.run();
            }
            assertThat(pages).isLessThan(1000);
        } while (cursor != null);
        return items;
    }
}
