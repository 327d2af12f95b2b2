package io.heliograph.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A stand-in for the OpenAI API on loopback, for the gateway's tests: it answers each path with a
 * scripted {@link Reply} — a whole body, a stream of chunks (each sent only when the test lets it,
 * or on a timer), or silence — records what it received, and notices when the gateway goes away
 * in the middle of a stream.
 */
public final class FakeUpstream implements AutoCloseable {
    /** What arrived: method, path with query, headers by lower-cased name, body. */
    public record Call(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A scripted answer. */
    public interface Reply {
        void send(HttpExchange exchange) throws IOException, InterruptedException;
    }

    /** A request header that picks the reply by name instead of by path, so tests can share one upstream. */
    public static final String SCENARIO = "X-Scenario";

    private final HttpServer server;
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Per reply name: counted down when writing its answer failed, because the other side had gone. */
    private final Map<String, CountDownLatch> abandoned = new ConcurrentHashMap<>();

    public FakeUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            calls.add(new Call(exchange.getRequestMethod(), pathAndQuery, headers, body));
            String scenario = exchange.getRequestHeaders().getFirst(SCENARIO);
            String name = scenario != null ? scenario : exchange.getRequestURI().getPath();
            Reply reply = replies.getOrDefault(name,
                    json(404, "{\"error\":{\"message\":\"no such route\"}}"));
            try {
                reply.send(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                abandonedLatch(name).countDown();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The base URL to give the gateway (HELIOGRAPH_OPENAI_BASE_URL). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers requests to {@code pathOrScenario} (a path, or an {@link #SCENARIO} header value) with {@code reply}. */
    public FakeUpstream on(String pathOrScenario, Reply reply) {
        replies.put(pathOrScenario, reply);
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private CountDownLatch abandonedLatch(String name) {
        return abandoned.computeIfAbsent(name, k -> new CountDownLatch(1));
    }

    /** Whether writing the answer named {@code name} failed (the reader went away) within {@code millis}. */
    public boolean awaitAbandoned(String name, long millis) throws InterruptedException {
        return abandonedLatch(name).await(millis, TimeUnit.MILLISECONDS);
    }

    /** The calls that named {@code scenario}. */
    public List<Call> calls(String scenario) {
        return calls.stream().filter(c -> scenario.equals(c.header(SCENARIO))).toList();
    }

    /** A whole body with a status and extra headers (name, value, name, value…). */
    public static Reply body(int status, String contentType, byte[] body, String... headers) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
    }

    public static Reply json(int status, String json, String... headers) {
        return body(status, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * Server-sent events, one chunk per element, chunked. Before each chunk after the first it waits
     * for {@code gate} to allow it (a test's hand on the tap), or for {@code intervalMs} when gate is null.
     */
    public static Reply stream(List<byte[]> chunks, Gate gate, long intervalMs, String... headers) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < chunks.size(); i++) {
                if (i > 0) {
                    if (gate != null) {
                        gate.awaitPass(i);
                    } else {
                        Thread.sleep(intervalMs);
                    }
                }
                out.write(chunks.get(i));
                out.flush();
            }
            out.close();
        };
    }

    /** Says nothing at all for {@code millis}, then closes. */
    public static Reply silence(long millis) {
        return exchange -> Thread.sleep(millis);
    }

    /**
     * Promises a long body, sends one chunk of it, then closes: the gateway sees the upstream break
     * off in the middle of a response.
     */
    public static Reply breakOffAfter(byte[] firstChunk) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 1_000_000);
            OutputStream out = exchange.getResponseBody();
            out.write(firstChunk);
            out.flush();
            Thread.sleep(100);
            exchange.close(); // short of the promised length: the connection is cut
        };
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Lets a stream's chunks go one at a time, when the test says so. */
    public static final class Gate {
        private final List<CountDownLatch> passes = new ArrayList<>();

        public Gate(int chunks) {
            for (int i = 0; i < chunks; i++) {
                passes.add(new CountDownLatch(1));
            }
        }

        /** Lets chunk {@code index} go. */
        public void open(int index) {
            passes.get(index).countDown();
        }

        public void openAll() {
            passes.forEach(CountDownLatch::countDown);
        }

        void awaitPass(int index) throws InterruptedException {
            if (!passes.get(index).await(20, TimeUnit.SECONDS)) {
                throw new InterruptedException("the test never let chunk " + index + " go");
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
