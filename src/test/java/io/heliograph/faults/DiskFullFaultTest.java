package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Tmpfs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The embedded store on a 24 MiB tmpfs, filled by logs until the disk is full. What was
 * acknowledged stays readable; what could not be stored is refused with 503 and a clear message
 * (never acknowledged, never a 500); /readyz says so; and when space returns, writes succeed again
 * by themselves, across a restart too.
 */
@Tag("fault")
class DiskFullFaultTest {
    private static final String FILLER = "x".repeat(200 * 1024);

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

    @Test
    void aFullDiskIsRefusedClearlyAndHealsWhenSpaceReturns() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        try (Tmpfs disk = Tmpfs.mount(24)) {
            Path ballast = disk.path().resolve("ballast");
            Files.write(ballast, new byte[6 * 1024 * 1024]);
            try (TestServer server = TestServer.builder(StoreKind.SQLITE).dataDir(disk.path().resolve("data")).start()) {
                Api api = server.api();
                Map<String, Integer> acknowledged = new LinkedHashMap<>();
                int sent = 0;
                int refused = 0;
                int others = 0;
                Api.Response firstRefusal = null;
                for (int i = 0; i < 400 && refused < 5; i++) {
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
                assertThat(firstRefusal.body()).isEqualTo(
                        "{\"data\":null,\"error\":\"The store is out of disk space and cannot accept writes; nothing was stored, retry later\"}");
                assertThat(firstRefusal.header("Retry-After")).isNotNull();
                int readyWhileFull = readyz(server.baseUrl());
                // Reads still work while the disk is full, and every acknowledged log is whole.
                for (String id : acknowledged.keySet()) {
                    Api.Response read = api.get("/v1/request/" + id);
                    assertThat(read.status()).isEqualTo(200);
                    assertThat(read.body()).contains(FILLER);
                }

                Files.delete(ballast);
                await().atMost(Duration.ofSeconds(20)).until(() -> readyz(server.baseUrl()) == 200);
                String afterId = UUID.randomUUID().toString();
                await().atMost(Duration.ofSeconds(20)).until(() -> api.post("/v1/request/log", bigLog(afterId)).status() == 200);
                acknowledged.put(afterId, -1);

                server.restart();
                long lost = acknowledged.keySet().stream().filter(id -> server.api().get("/v1/request/" + id).status() != 200).count();
                FaultReport.record("disk full (SQLite on a 24 MiB tmpfs), then space returns", StoreKind.SQLITE, sent + 1,
                        acknowledged.size(), acknowledged.size() - lost, 0, lost,
                        refused + " refused with 503 while full; /readyz answered " + readyWhileFull + " while full");
                assertThat(lost).isZero();
                assertThat(readyWhileFull).isEqualTo(503);
            }
        }
    }
}
