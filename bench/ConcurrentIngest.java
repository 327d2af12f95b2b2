import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable ingest with many concurrent clients: CLIENTS virtual threads post ~1 KiB logs to
 * /v1/request/log as fast as answers come (closed loop) for WARMUP + SECONDS; prints logs/s and
 * answer latency over the last SECONDS. Each 200 means the log was committed. Loopback only.
 *
 *   java bench/ConcurrentIngest.java http://127.0.0.1:18587 <api key> [clients=64] [seconds=15] [warmup=5]
 */
public class ConcurrentIngest {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        if (!base.startsWith("http://127.0.0.1") && !base.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        String padding = "x".repeat(700);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    String body = "{\"request_id\":\"" + UUID.randomUUID() + "\",\"model\":\"gpt-4o\",\"provider\":\"OPENAI\","
                            + "\"status\":200,\"started_at\":\"2026-01-15T10:30:00.000Z\",\"ended_at\":\"2026-01-15T10:30:00.930Z\","
                            + "\"properties\":{\"environment\":\"bench\"},\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"" + padding + "\"}]},\"response\":{\"choices\":[{\"message\":{\"content\":\"Hi!\"}}],"
                            + "\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17}}}";
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/request/log"))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (counting.get()) {
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                micros.add((System.nanoTime() - start) / 1000);
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        counting.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        counting.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        System.out.printf("%d clients: %.0f logs/s committed (%d in %.1f s), %d failed; answer p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                clients, ok.get() / elapsed, ok.get(), elapsed, failed.get(), at(sorted, 0.5) / 1000.0, at(sorted, 0.99) / 1000.0,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0);
        System.exit(0);
    }

    static long at(List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
