import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency from a log call returning to the receiver getting its webhook, at a steady rate.
 * Starts a receiver on loopback, creates a webhook on the server (which must run with
 * --allow-private-destinations --allow-http-destinations), logs at RATE/s for WARMUP + SECONDS,
 * and prints p50/p90/p99/max over the last SECONDS only: the first seconds of a fresh JVM (JIT,
 * connection set-up) queue a backlog that says nothing about the steady state. Bounded in count
 * and time; loopback only.
 *
 *   java bench/DeliveryLatency.java http://127.0.0.1:18585 <api key> [rate=200] [seconds=20] [warmup=5]
 */
public class DeliveryLatency {
    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        java.util.Set<String> measured = ConcurrentHashMap.newKeySet();
        if (!base.startsWith("http://127.0.0.1") && !base.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        Map<String, Long> returned = new ConcurrentHashMap<>();
        Map<String, Long> received = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = REQUEST_ID.matcher(body);
            if (m.find()) {
                received.putIfAbsent(m.group(1), now);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/webhooks"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"" + hook + "\",\"config\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException(created.body());
        }
        int total = rate * (warmup + seconds);
        int firstMeasured = rate * warmup;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String id = UUID.randomUUID().toString();
                if (i >= firstMeasured) {
                    measured.add(id);
                }
                senders.submit(() -> {
                    String body = """
                            {"request_id":"%s","model":"gpt-4o","properties":{"bench":"latency"},
                             "request":{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]},
                             "response":{"usage":{"prompt_tokens":13,"completion_tokens":17}},
                             "status":200,"started_at":"2026-01-15T10:30:00Z","ended_at":"2026-01-15T10:30:01Z"}""".formatted(id);
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/request/log"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    returned.put(id, System.nanoTime());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.body());
                    }
                    return null;
                });
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        receiver.stop(0);
        long[] micros = returned.entrySet().stream().filter(e -> measured.contains(e.getKey()) && received.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, received.get(e.getKey()) - e.getValue()) / 1000).sorted().toArray();
        System.out.printf("%d logs at %d/s (%d s warm-up, %d s measured): %d of %d delivered, %d measured; "
                        + "log-returned -> webhook-received p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                total, rate, warmup, seconds, received.size(), total, micros.length, pct(micros, 0.50), pct(micros, 0.90), pct(micros, 0.99), micros[micros.length - 1] / 1000.0);
        System.exit(0);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }
}
