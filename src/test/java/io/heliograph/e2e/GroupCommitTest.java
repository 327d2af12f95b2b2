package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many logs arriving at once are committed together. Each caller still gets its own answer only
 * after its log is durable, a repeated id inside one batch is stored once, and every new log gets
 * exactly one delivery.
 */
class GroupCommitTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void concurrentLogsAreCommittedTogetherYetEachOnce(StoreKind store) throws Exception {
        try (TestServer server = TestServer.builder(store).loopbackReceivers().start(); Receiver receiver = new Receiver()) {
            Api api = server.api();
            Webhooks.create(api, receiver.url(), "{}", true);
            int delivered = 0;
            // Each id twice, then four times: copies of one id land in one batch or in the next, whichever
            // the committer is on when they arrive.
            for (int repeats : new int[] {2, 4}) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    ids.add(UUID.randomUUID().toString());
                }
                Map<String, Integer> answers = new ConcurrentHashMap<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> callers = new ArrayList<>();
                // Every id `repeats` times, from callers released at the same moment, each id's copies far apart.
                for (int i = 0; i < ids.size() * repeats; i++) {
                    String id = ids.get(i % ids.size());
                    callers.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        Api.Response r = api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"));
                        answers.merge(r.status() + " " + (r.status() == 200 && r.data().get("request_id").asText().equals(id)), 1,
                                Integer::sum);
                    }));
                }
                go.countDown();
                for (Thread t : callers) {
                    t.join(60_000);
                }
                assertThat(answers).containsExactly(Map.entry("200 true", ids.size() * repeats));
                // Answered means stored: every id reads back at once.
                ids.forEach(id -> assertThat(api.get("/v1/request/" + id).status()).isEqualTo(200));
                delivered += ids.size();
                int expected = delivered;
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= expected);
                Thread.sleep(500);
                assertThat(receiver.received()).hasSize(expected);
            }
            assertThat(receiver.received().stream().map(r -> r.header("webhook-id")).distinct()).hasSize(delivered);
            assertThat(receiver.received().stream().map(Receiver.Received::requestId).distinct()).hasSize(delivered);
        }
    }
}
