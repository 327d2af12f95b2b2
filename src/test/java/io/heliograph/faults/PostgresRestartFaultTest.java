package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.Receiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.ThrowawayPostgres;
import io.heliograph.support.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL crashes under load and comes back. The test runs its own throw-away cluster so the
 * shared one is never touched. While the database is gone the service says it is not ready and
 * refuses logs with 503 instead of acknowledging them; when it returns, the service recovers by
 * itself, and every log it acknowledged — before, during or after — is stored and delivered.
 */
@Tag("fault")
class PostgresRestartFaultTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private int readyz(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aPostgresCrashUnderLoadLosesNothingAcknowledgedAndHealsItself() throws Exception {
        Assumptions.assumeTrue(ThrowawayPostgres.available(), "needs root and PostgreSQL binaries");
        try (ThrowawayPostgres pg = ThrowawayPostgres.create(); Receiver receiver = new Receiver();
                ServerProcess server = ServerProcess.start(List.of("--database-url=" + pg.jdbcUrl()),
                        "--retry-schedule", "1s,1s,2s,2s,5s,5s,5s,5s")) {
            Map<String, Integer> arrivals = new ConcurrentHashMap<>();
            receiver.answering(r -> {
                arrivals.merge(r.requestId(), 1, Integer::sum);
                return Receiver.status(200);
            });
            Api api = server.api();
            Webhooks.create(api, receiver.url(), "{}", true);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong sent = new AtomicLong();
            AtomicLong refused503 = new AtomicLong();
            AtomicLong other = new AtomicLong();
            AtomicLong slowest = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        String id = UUID.randomUUID().toString();
                        sent.incrementAndGet();
                        long start = System.nanoTime();
                        Api.Response r = api.post("/v1/request/log", Webhooks.log(id, "gpt-4o", "prod"));
                        slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                        if (r.status() == 200) {
                            acknowledged.add(id);
                        } else if (r.status() == 503) {
                            assertThat(r.header("Retry-After")).isNotNull();
                            assertThat(r.json().get("error").asText()).isNotBlank();
                            refused503.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            Thread.sleep(3_000);
            int beforeCrash = acknowledged.size();
            pg.stop("immediate");
            await().atMost(Duration.ofSeconds(40)).until(() -> readyz(server.port()) == 503);
            Thread.sleep(3_000);
            int duringOutage = acknowledged.size();
            pg.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> readyz(server.port()) == 200);
            long healedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > duringOutage + 50);
            running.set(false);
            for (Thread t : clients) {
                t.join(60_000);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> arrivals.keySet().containsAll(acknowledged));
            long missingLogs = acknowledged.stream().filter(id -> api.get("/v1/request/" + id).status() != 200).count();
            long duplicated = arrivals.values().stream().filter(n -> n > 1).count();
            FaultReport.record("PostgreSQL crash (pg_ctl stop -m immediate) and restart under load", StoreKind.POSTGRES,
                    sent.get(), acknowledged.size(), arrivals.keySet().stream().filter(acknowledged::contains).count(),
                    duplicated, missingLogs + acknowledged.stream().filter(id -> !arrivals.containsKey(id)).count(),
                    refused503.get() + " refused with 503 during the outage, " + other.get() + " other answers; "
                            + "slowest answer " + slowest.get() + " ms; " + beforeCrash + " acknowledged before the crash");
            assertThat(missingLogs).isZero();
            assertThat(other.get()).as("only 200 or 503, never a 500").isZero();
            assertThat(refused503.get()).as("the outage was noticed").isPositive();
            assertThat(slowest.get()).as("no call hangs: bounded by the pool's connection timeout").isLessThan(30_000);
            assertThat(healedAt).isPositive();
        }
    }
}
