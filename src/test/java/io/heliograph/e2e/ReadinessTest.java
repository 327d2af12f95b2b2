package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.StatementCounts;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** /readyz is cheap enough to be called by anyone, as often as they like, and tells them nothing about the machine. */
class ReadinessTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void manyProbesWriteNothingAndReadTheStoreAboutOnceASecond(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            Api anonymous = server.api().withKey(null);
            assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
            StatementCounts statements = StatementCounts.watch(server.heliograph().database(), "");
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                Api.Response r = anonymous.get("/readyz");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"status\":\"ready\"}");
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            // Background work (the dispatcher's polls) runs a few statements too; 50 probes must not add 50.
            assertThat(statements.counts()).as("statements run during 50 probes").hasSizeLessThan(10 + 5 * (int) seconds);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aStoreThatIsGoneTurnsItUnreadyWithoutNamingAnything(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            Api anonymous = server.api().withKey(null);
            server.heliograph().database().close();
            await().atMost(Duration.ofSeconds(3)).until(() -> anonymous.get("/readyz").status() == 503);
            Api.Response r = anonymous.get("/readyz");
            assertThat(r.body()).isEqualTo("{\"status\":\"unavailable\",\"reason\":\"store is not reachable\"}");
            assertThat(r.body()).doesNotContain(server.dataDir().toString());
        }
    }
}
