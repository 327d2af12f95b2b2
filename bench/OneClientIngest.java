import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.UUID;

/**
 * How many logs per second ONE client can write: sequential POST /custom/v1/log calls on one
 * connection, each waiting for the durable answer. Bounded in count; loopback only.
 *
 *   java bench/OneClientIngest.java http://127.0.0.1:18585 <api key> [count]
 */
public class OneClientIngest {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        if (!base.startsWith("http://127.0.0.1") && !base.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String filler = "x".repeat(700); // ~1 KiB log body in all
        long[] micros = new long[count];
        int warmup = Math.min(500, count / 5);
        long start = 0;
        for (int i = -warmup; i < count; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            String body = """
                    {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions","json":{"model":"gpt-4o",
                      "messages":[{"role":"user","content":"%s"}]},"meta":{"Helicone-Request-Id":"%s","Helicone-Property-Env":"bench"}},
                     "providerResponse":{"status":200,"headers":{},"json":{"usage":{"prompt_tokens":13,"completion_tokens":17}}},
                     "timing":{"startTime":{"seconds":1768473000,"milliseconds":0},"endTime":{"seconds":1768473000,"milliseconds":930}}}"""
                    .formatted(filler, UUID.randomUUID());
            long t0 = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/custom/v1/log"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            if (i >= 0) {
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(micros);
        System.out.printf("%d logs in %.2f s: %.0f logs/s; latency p50 %.2f ms, p99 %.2f ms%n", count, seconds, count / seconds,
                micros[count / 2] / 1000.0, micros[(int) (count * 0.99)] / 1000.0);
    }
}
