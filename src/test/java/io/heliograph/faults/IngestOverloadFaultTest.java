package io.heliograph.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.ingest.IngestBudget;
import io.heliograph.support.Api;
import io.heliograph.support.FaultReport;
import io.heliograph.support.LeanReceiver;
import io.heliograph.support.ServerProcess;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1,000 clients post a 1 MiB log each, all at once, to a server with a 512 MiB heap that stops at
 * its first OutOfMemoryError. The server holds only what its ingest budget allows: the rest are told
 * 503 with Retry-After (in the envelope) before their body is read, come back after it, and in the
 * end every log is stored. Every 200 is durable: the server is then killed and each acknowledged log
 * is read back from the store, whole.
 */
@Tag("fault")
class IngestOverloadFaultTest {
    private static final int CLIENTS = 1_000;
    private static final int BODY_BYTES = 1024 * 1024;
    private static final String HEAP = "-Xmx512m";
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aThousandClientsPostingOneMebibyteEachNeverExhaustTheHeap(StoreKind kind) throws Exception {
        List<ServerProcess> nodes = new ArrayList<>();
        try (TestServer store = TestServer.builder(kind).start().stopServer();
                AutoCloseable stopNodes = () -> nodes.forEach(ServerProcess::close);
                LeanReceiver receiver = new LeanReceiver(200, Duration.ZERO)) {
            ServerProcess server = ServerProcess.start(List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"), store.storeFlags());
            nodes.add(server);
            String base = "http://127.0.0.1:" + server.port();
            String key = ServerProcess.command(store.storeFlags(), "keys", "create", "--org", "overload").trim();
            Api api = new Api(base, key);
            // A default webhook, so each log also makes an outbox row and a delivery.
            Webhooks.create(api, receiver.url(), "{}", true);

            byte[] filler = filler(BODY_BYTES);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Map<String, Integer> refusals = new ConcurrentHashMap<>();
            AtomicLong overloaded = new AtomicLong();
            AtomicLong transportErrors = new AtomicLong();
            List<String> wrongAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong peakHeap = new AtomicLong();
            AtomicBoolean loading = new AtomicBoolean(true);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Thread sampler = Thread.ofVirtual().start(() -> sampleHeap(client, base, key, peakHeap, loading));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            long started = System.nanoTime();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.submit(() -> {
                        String id = UUID.randomUUID().toString();
                        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/request/log"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(120))
                                .POST(HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofString(prefix(id)),
                                        HttpRequest.BodyPublishers.ofByteArray(filler),
                                        HttpRequest.BodyPublishers.ofString(SUFFIX)))
                                .build();
                        while (System.nanoTime() < deadline) {
                            HttpResponse<String> answer;
                            try {
                                answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                            } catch (IOException e) {
                                transportErrors.incrementAndGet();
                                Thread.sleep(500);
                                continue;
                            }
                            if (answer.statusCode() == 200) {
                                acknowledged.add(id);
                                return null;
                            }
                            JsonNode body = TestJson.parse(answer.body());
                            if (answer.statusCode() != 503 || answer.headers().firstValue("Retry-After").isEmpty()
                                    || !body.get("data").isNull()
                                    || !IngestBudget.OVERLOADED.equals(body.path("error").asText())) {
                                wrongAnswers.add(answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
                                return null;
                            }
                            overloaded.incrementAndGet();
                            refusals.merge(id, 1, Integer::sum);
                            long retryAfter = Long.parseLong(answer.headers().firstValue("Retry-After").get());
                            Thread.sleep(retryAfter * 1000 + ThreadLocalRandom.current().nextLong(1000));
                        }
                        return null;
                    });
                }
            } finally {
                loading.set(false);
                sampler.join();
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(wrongAnswers).as("answers other than 200 or the overload 503; the server's log:\n%s",
                    server.stderr().lines().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.startsWith("\t") || l.contains("Exception"))
                            .limit(60).collect(java.util.stream.Collectors.joining("\n"))).isEmpty();
            assertThat(server.procStatus("VmRSS")).as("the server is still running (it exits on OutOfMemoryError)")
                    .isPositive();
            assertThat(overloaded.get()).as("the budget refused some, so it was tested").isPositive();
            assertThat(acknowledged).as("every client got its 200 in the end").hasSize(CLIENTS);

            server.kill();
            int whole = countStoredWhole(store, acknowledged);
            assertThat(whole).as("acknowledged logs found whole after a SIGKILL").isEqualTo(acknowledged.size());

            FaultReport.record("1,000 clients × 1 MiB logs, 512 MiB heap", kind, CLIENTS, acknowledged.size(), whole, 0,
                    acknowledged.size() - whole, String.format("%d answered 503 + Retry-After (%d clients refused at least once), "
                            + "%d transport errors, peak heap in use (garbage included) %d MiB, all stored in %.1f s",
                            overloaded.get(), refusals.size(), transportErrors.get(), peakHeap.get() >> 20, tookMs / 1000.0));
        }
    }

    private static final String SUFFIX = "\"}]},\"response\":{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]},"
            + "\"status\":200,\"started_at\":\"2026-12-07T10:00:00.000Z\",\"ended_at\":\"2026-12-07T10:00:01.000Z\"}";

    private static String prefix(String id) {
        return "{\"request_id\":\"" + id + "\",\"model\":\"gpt-4o\",\"provider\":\"openai\","
                + "\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    }

    /** Letters and digits that do not compress to nothing, as a long prompt's text would not. */
    private static byte[] filler(int bytes) {
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[bytes];
        Random random = new Random(17);
        for (int i = 0; i < bytes; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return out;
    }

    /** The heap the server uses, from its /metrics, every 200 ms while the clients run. */
    private static void sampleHeap(HttpClient client, String base, String key, AtomicLong peak, AtomicBoolean loading) {
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build();
        while (loading.get()) {
            try {
                String text = client.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                long heap = 0;
                for (String line : text.split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                peak.accumulateAndGet(heap, Math::max);
                Thread.sleep(200);
            } catch (IOException e) {
                // a busy moment; the next sample will do
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** How many of the acknowledged logs the store holds with their whole 1 MiB prompt. */
    private static int countStoredWhole(TestServer store, Set<String> ids) throws Exception {
        int whole = 0;
        try (Connection c = DriverManager.getConnection(store.directJdbcUrl());
                PreparedStatement q = c.prepareStatement("SELECT id, length(request_body) FROM request_logs");
                ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                if (ids.contains(rs.getString(1)) && rs.getLong(2) > BODY_BYTES) {
                    whole++;
                }
            }
        }
        return whole;
    }
}
