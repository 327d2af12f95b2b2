package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.StoreKind;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.ThrowawayPostgres;
import io.heliograph.support.Tmpfs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store on a small tmpfs — the SQLite file, or a PostgreSQL cluster of the test's own — filled by
 * logs until the disk is full. What was
 * acknowledged stays readable; what could not be stored is refused with 503 and a clear message
 * (never acknowledged, never a 500); /readyz says so; and when space returns, writes succeed again
 * by themselves, across a restart too.
 */
@Tag("fault")
class DiskFullFaultTest {
    /** Random text: PostgreSQL compresses long values, and a repeated letter would take no room at all. */
    private static final String FILLER = randomText(200 * 1024);

    private static String randomText(int length) {
        byte[] bytes = new byte[length * 3 / 4];
        new java.util.Random(7).nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static String bigLog(String id) {
        return "{\"request_id\":\"" + id + "\",\"model\":\"gpt-4o\",\"provider\":\"OPENAI\",\"status\":200,"
                + "\"started_at\":\"2026-01-15T10:30:00.000Z\",\"ended_at\":\"2026-01-15T10:30:00.930Z\","
                + "\"request\":{\"messages\":[{\"role\":\"user\",\"content\":\"" + FILLER + "\"}]},"
                + "\"response\":{\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17}}}";
    }

    private static int readyz(String base) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aFullDiskIsRefusedClearlyAndHealsWhenSpaceReturns(StoreKind kind) throws Exception {
        Assumptions.assumeTrue(ThrowawayPostgres.available(), "mounting a tmpfs and running PostgreSQL need root");
        boolean pg = kind == StoreKind.POSTGRES;
        try (Tmpfs disk = Tmpfs.mount(pg ? 80 : 24);
                ThrowawayPostgres postgres = pg ? ThrowawayPostgres.create(disk.path().resolve("pg"), true) : null) {
            Path ballast = disk.path().resolve("ballast");
            Files.write(ballast, new byte[6 * 1024 * 1024]);
            List<String> store = pg ? List.of("--database-url=" + postgres.jdbcUrl())
                    : List.of("--data-dir=" + disk.path().resolve("data"));
            ServerProcess server = ServerProcess.start(store);
            try {
                Api api = server.api();
                String base = "http://127.0.0.1:" + server.port();
                Map<String, Integer> acknowledged = new LinkedHashMap<>();
                int sent = 0;
                int refused = 0;
                int others = 0;
                Api.Response firstRefusal = null;
                for (int i = 0; i < 1000 && refused < 5; i++) {
                    String id = UUID.randomUUID().toString();
                    sent++;
                    Api.Response r = api.post("/v1/request/log", bigLog(id));
                    if (r.status() == 200) {
                        acknowledged.put(id, i);
                    } else if (r.status() == 503) {
                        refused++;
                        firstRefusal = firstRefusal == null ? r : firstRefusal;
                    } else {
                        others++;
                    }
                }
                assertThat(others).as("only 200 or 503").isZero();
                assertThat(firstRefusal).as("the disk filled up").isNotNull();
                assertThat(firstRefusal.header("Retry-After")).isNotNull();
                String refusal = firstRefusal.json().get("error").asText();
                int readyWhileFull = readyz(base);

                Files.delete(ballast);
                boolean restartedPostgres = false;
                if (pg && !postgres.running()) {
                    // PostgreSQL shuts itself down when it cannot write its WAL; an operator starts it again.
                    postgres.start();
                    restartedPostgres = true;
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> readyz(base) == 200);
                String afterId = UUID.randomUUID().toString();
                await().atMost(Duration.ofSeconds(30)).until(() -> api.post("/v1/request/log", bigLog(afterId)).status() == 200);
                acknowledged.put(afterId, -1);

                server.close();
                server = ServerProcess.start(store);
                Api again = server.api();
                long lost = acknowledged.keySet().stream().filter(id -> {
                    Api.Response read = again.get("/v1/request/" + id);
                    return read.status() != 200 || !read.body().contains(FILLER);
                }).count();
                FaultReport.record("disk full (store on a small tmpfs), then space returns", kind, sent + 1,
                        acknowledged.size(), acknowledged.size() - lost, 0, lost,
                        refused + " refused with 503 (\"" + refusal + "\"); /readyz answered " + readyWhileFull + " while full"
                                + (restartedPostgres ? "; PostgreSQL had stopped itself and was started again" : ""));
                assertThat(lost).isZero();
                assertThat(readyWhileFull).isEqualTo(503);
                if (!pg) {
                    assertThat(refusal).isEqualTo(
                            "The store is out of disk space and cannot accept writes; nothing was stored, retry later");
                }
            } finally {
                server.close();
            }
        }
    }
}
