package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.auth.Caller;
import io.heliograph.support.StatementCounts;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A burst of requests with a key the server has not seen yet (a new client's first second, or every
 * second as the cached answer expires) reads the store once, not once per request: a thousand
 * clients arriving together would otherwise take every pooled connection and time each other out.
 */
class AuthenticationBurstTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void manyConcurrentFirstUsesOfAKeyShareOneLookup(StoreKind kind) throws Exception {
        try (TestServer server = TestServer.start(kind)) {
            String key = server.keys().createKey("burst").key();
            String unknown = "sk-helicone-" + "0".repeat(40);
            StatementCounts lookups = StatementCounts.watch(server.heliograph().database(), "FROM api_keys WHERE key_hash");
            // A store slow to answer (a busy disk, a far database): the burst arrives while the first read runs.
            server.heliograph().database().jdbi().getConfig(SqlStatements.class).addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(PreparedStatement stmt, StatementContext ctx) {
                    if (ctx.getRawSql() != null && ctx.getRawSql().contains("FROM api_keys WHERE key_hash")) {
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<Caller>>> answers = new ArrayList<>();
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    String presented = i % 10 == 9 ? unknown : key;
                    answers.add(callers.submit(() -> {
                        go.await();
                        return server.keys().authenticate(presented);
                    }));
                }
                go.countDown();
            }
            for (int i = 0; i < answers.size(); i++) {
                Optional<Caller> caller = answers.get(i).get();
                assertThat(caller.isPresent()).as("caller %d", i).isEqualTo(i % 10 != 9);
            }
            // Without sharing, nearly every one of the 200 reads the store; with it, a handful do (the
            // unknown key is never remembered, so its callers arriving after one lookup ends start another).
            assertThat(lookups.counts()).as("store reads for 200 concurrent authentications").hasSizeLessThan(40);
            assertThat(server.keys().authenticate(unknown)).as("an unknown key is never cached as valid").isEmpty();
        }
    }
}
