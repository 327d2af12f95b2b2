import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway adds to a call, on one ROUTE: {@code oai} (default; /oai/v1/chat/completions),
 * {@code anthropic} (/anthropic/v1/messages, Anthropic's bodies and events) or {@code gateway}
 * (/gateway/v1/chat/completions with Helicone-Target-Url naming the upstream, through the destination
 * guard). Starts a fake upstream on loopback serving both APIs (the server must be started with
 * --openai-base-url and --anthropic-base-url http://127.0.0.1:UPSTREAM_PORT, and for {@code gateway}
 * with private and http destinations allowed, since the target is loopback), then:
 *
 * 1. Non-streaming: at RATE calls/s for WARMUP + SECONDS, each tick sends one chat completion
 *    straight to the upstream and one through the gateway, open-loop (latency counted from the
 *    scheduled send time, so a stall is not hidden by sending less). The overhead is the gateway
 *    path's percentile minus the direct path's, over the last SECONDS.
 * 2. Streaming: STREAMS streamed calls each way; the upstream stamps each of its 20 chunks with
 *    System.nanoTime() when it writes it (same process as the client, so the clocks agree), and the
 *    client takes arrival − stamp for every chunk.
 *
 * Bounded in count and time; loopback only.
 *
 *   java bench/GatewayOverhead.java http://127.0.0.1:18590 <api key> 18591 [rate=200] [seconds=30] [warmup=10] [streams=100] [route=oai]
 */
public class GatewayOverhead {
    static final String RESPONSE = "{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion\",\"created\":1736937000,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Hello! How can I help you today? I can answer questions, write, summarise and more.\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":30}}";
    static final String REQUEST = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
            + "{\"role\":\"user\",\"content\":\"Say hello and offer help in one sentence.\"}],\"temperature\":0.7}";
    static final String STREAM_REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to twenty.\"}]}";
    static final String MESSAGE = "{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":"
            + "\"Hello! How can I help you today? I can answer questions, write, summarise and more.\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":13,"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":17}}";
    static final String MESSAGE_REQUEST = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"system\":\"You are helpful.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello and offer help in one sentence.\"}]}";
    static final String MESSAGE_STREAM_REQUEST = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":256,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to twenty.\"}]}";

    /** One gateway route as the bench drives it. */
    record Route(String name, String directPath, String gatewayPath, String request, String streamRequest, String response,
                 int streamDataLines) {
        static Route named(String name) {
            return switch (name) {
                case "oai" -> new Route(name, "/v1/chat/completions", "/oai/v1/chat/completions", REQUEST, STREAM_REQUEST,
                        RESPONSE, CHUNKS + 2);
                case "anthropic" -> new Route(name, "/v1/messages", "/anthropic/v1/messages", MESSAGE_REQUEST,
                        MESSAGE_STREAM_REQUEST, MESSAGE, CHUNKS + 5);
                case "gateway" -> new Route(name, "/v1/chat/completions", "/gateway/v1/chat/completions", REQUEST,
                        STREAM_REQUEST, RESPONSE, CHUNKS + 2);
                default -> throw new IllegalArgumentException("route must be oai, anthropic or gateway");
            };
        }
    }

    static Route route;
    static String target;

    static final int CHUNKS = 20;
    static final long CHUNK_INTERVAL_MS = 20;
    static final Pattern STAMP = Pattern.compile("\"t\":(\\d+)");

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        String key = args[1];
        int upstreamPort = Integer.parseInt(args[2]);
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int streams = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        route = Route.named(args.length > 7 ? args[7] : "oai");
        target = "http://127.0.0.1:" + upstreamPort;
        if (!gateway.startsWith("http://127.0.0.1") && !gateway.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        HttpServer upstream = startUpstream(upstreamPort);
        String direct = "http://127.0.0.1:" + upstreamPort + route.directPath();
        String viaGateway = gateway + route.gatewayPath();
        System.out.println("route " + route.name() + ": " + viaGateway);
        try {
            nonStreaming(direct, viaGateway, key, rate, seconds, warmup);
            streaming(direct, viaGateway, key, streams);
        } finally {
            upstream.stop(0);
        }
        System.exit(0);
    }

    static HttpServer startUpstream(int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] response = RESPONSE.getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-request-id", "req_bench");
            if (!body.contains("\"stream\":true")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, response.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response);
                }
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < CHUNKS; i++) {
                    Thread.sleep(CHUNK_INTERVAL_MS);
                    String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"t\":"
                            + System.nanoTime() + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + i + " \"}}]}\n\n";
                    out.write(chunk.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(("data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":20,"
                        + "\"total_tokens\":25}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/messages", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("request-id", "req_bench");
            if (!body.contains("\"stream\":true")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, message.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(message);
                }
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"usage\":{\"input_tokens\":5,"
                        + "\"output_tokens\":1}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (int i = 0; i < CHUNKS; i++) {
                    Thread.sleep(CHUNK_INTERVAL_MS);
                    String chunk = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"t\":"
                            + System.nanoTime() + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + i + " \"}}\n\n";
                    out.write(chunk.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":20}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }

    static HttpRequest request(String url, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!url.startsWith(target)) {
            b.header("Helicone-Auth", "Bearer " + key).header("Helicone-Property-Bench", "gateway-overhead");
            if (route.name().equals("gateway")) {
                b.header("Helicone-Target-Url", target);
            }
            if (route.name().equals("anthropic")) {
                b.header("anthropic-version", "2023-06-01");
            }
        }
        return b.build();
    }

    static void nonStreaming(String direct, String viaGateway, String key, int rate, int seconds, int warmup) throws Exception {
        HttpClient directClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient gatewayClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Long> directMicros = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> gatewayMicros = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        int total = rate * (seconds + warmup);
        int warmupCalls = rate * warmup;
        long periodNanos = 1_000_000_000L / rate;
        CountDownLatch done = new CountDownLatch(total * 2);
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * periodNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            boolean counted = i >= warmupCalls;
            for (boolean through : new boolean[] {false, true}) {
                threads.execute(() -> {
                    try {
                        HttpResponse<byte[]> r = (through ? gatewayClient : directClient).send(
                                request(through ? viaGateway : direct, key, route.request()), HttpResponse.BodyHandlers.ofByteArray());
                        long micros = (System.nanoTime() - scheduled) / 1_000;
                        if (r.statusCode() != 200 || r.body().length != route.response().length()) {
                            if (errors.incrementAndGet() <= 5) {
                                System.out.println("  error: " + (through ? "gateway " : "direct ") + r.statusCode() + " "
                                        + new String(r.body(), StandardCharsets.UTF_8));
                            }
                        } else if (counted) {
                            (through ? gatewayMicros : directMicros).add(micros);
                        }
                    } catch (Exception e) {
                        if (errors.incrementAndGet() <= 5) {
                            System.out.println("  error: " + (through ? "gateway " : "direct ") + e);
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
        }
        done.await(120, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("non-streaming: %d calls each way at %d/s over %.1f s (first %d s not counted), errors %d%n",
                total, rate, elapsed, warmup, errors.get());
        Stats d = Stats.of(directMicros);
        Stats g = Stats.of(gatewayMicros);
        System.out.println("  direct   " + d);
        System.out.println("  gateway  " + g);
        System.out.printf("  overhead p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", (g.p50 - d.p50) / 1000.0,
                (g.p90 - d.p90) / 1000.0, (g.p99 - d.p99) / 1000.0);
    }

    static void streaming(String direct, String viaGateway, String key, int streams) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (boolean through : new boolean[] {false, true}) {
            ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
            AtomicInteger errors = new AtomicInteger();
            var threads = Executors.newVirtualThreadPerTaskExecutor();
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                running.add(threads.submit(() -> {
                    try {
                        HttpResponse<java.util.stream.Stream<String>> r = client.send(
                                request(through ? viaGateway : direct, key, route.streamRequest()), HttpResponse.BodyHandlers.ofLines());
                        int seen = (int) r.body().peek(line -> {
                            long now = System.nanoTime();
                            Matcher m = STAMP.matcher(line);
                            if (m.find()) {
                                delays.add((now - Long.parseLong(m.group(1))) / 1_000);
                            }
                        }).filter(line -> line.startsWith("data:")).count();
                        if (seen != route.streamDataLines()) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }));
                Thread.sleep(50); // 20 streams/s, ~9 open at once
            }
            for (var f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            System.out.printf("streaming %s: %d streams x %d chunks, errors %d, chunk delay (upstream write -> client read) %s%n",
                    through ? "gateway" : "direct ", streams, CHUNKS, errors.get(), Stats.of(delays));
        }
    }

    record Stats(int n, long p50, long p90, long p99, long max) {
        static Stats of(java.util.Collection<Long> micros) {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return new Stats(0, 0, 0, 0, 0);
            }
            return new Stats(sorted.size(), at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        static long at(List<Long> sorted, double q) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return String.format("n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", n, p50 / 1000.0, p90 / 1000.0,
                    p99 / 1000.0, max / 1000.0);
        }
    }
}
