package io.heliograph.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver for load in the fault suite: the JDK's HTTP server on loopback, a virtual thread
 * per exchange, so thousands of connections cost little. It answers every request with one status
 * after one delay, and remembers when each request id first arrived and how often.
 */
public final class LeanReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final Map<String, Integer> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    /** A receiver that answers and counts, without reading what it was sent (for load it only absorbs). */
    public LeanReceiver(int status, Duration delay) {
        this(status, delay, false);
    }

    /** @param tracking remember each request id's arrival (parses every body: costs CPU under load) */
    public LeanReceiver(int status, Duration delay, boolean tracking) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            long at = System.currentTimeMillis();
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                requests.incrementAndGet();
                String id = tracking ? requestId(body) : null;
                if (id != null) {
                    firstArrival.putIfAbsent(id, at);
                    arrivals.merge(id, 1, Integer::sum);
                }
                if (!delay.isZero()) {
                    Thread.sleep(delay);
                }
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private static String requestId(byte[] body) {
        try {
            var id = TestJson.MAPPER.readTree(body).get("request_id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** When each request id first arrived (epoch ms). */
    public Map<String, Long> firstArrivals() {
        return Map.copyOf(firstArrival);
    }

    /** Requests received for ids already received before. */
    public long duplicates() {
        return arrivals.values().stream().mapToLong(n -> n - 1).sum();
    }

    public long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
