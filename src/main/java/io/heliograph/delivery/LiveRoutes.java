package io.heliograph.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.http.AuthFilter;
import io.heliograph.json.IsoTime;
import io.heliograph.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/live}: the caller's organization's attempts as they are recorded, as server-sent
 * events named {@code attempt}. A comment every 15 s keeps proxies from closing a quiet stream; a
 * stream ends after {@link #MAX_STREAM} (the browser's EventSource reconnects by itself), when the
 * server shuts down, or when the client goes. A client too slow to take its events loses the
 * oldest, and is told how many with an event named {@code dropped}.
 */
public final class LiveRoutes implements HttpService {
    static final Duration MAX_STREAM = Duration.ofMinutes(10);
    private static final long HEARTBEAT_MS = 15_000;
    private static final int QUEUE = 1_000;

    private final LiveAttempts live;
    private final BooleanSupplier closing;

    public LiveRoutes(LiveAttempts live, BooleanSupplier closing) {
        this.live = live;
        this.closing = closing;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::stream);
    }

    private void stream(ServerRequest req, ServerResponse res) {
        String org = AuthFilter.caller(req).orgId();
        BlockingQueue<LiveAttempts.Event> queue = new ArrayBlockingQueue<>(QUEUE);
        AtomicLong dropped = new AtomicLong();
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        long endAt = System.nanoTime() + MAX_STREAM.toNanos();
        try (AutoCloseable listening = live.listen(org, e -> {
                    while (!queue.offer(e)) {
                        if (queue.poll() != null) {
                            dropped.incrementAndGet();
                        }
                    }
                });
                OutputStream out = res.outputStream()) {
            write(out, "retry: 2000\n: live\n\n");
            long lastWrite = System.currentTimeMillis();
            while (!closing.getAsBoolean() && System.nanoTime() < endAt) {
                LiveAttempts.Event e = queue.poll(1, TimeUnit.SECONDS);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    write(out, "event: dropped\ndata: {\"count\":" + lost + "}\n\n");
                    lastWrite = System.currentTimeMillis();
                }
                if (e != null) {
                    write(out, "event: attempt\ndata: " + Json.writeString(json(e)) + "\n\n");
                    lastWrite = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastWrite >= HEARTBEAT_MS) {
                    write(out, ": ping\n\n");
                    lastWrite = System.currentTimeMillis();
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // The client went away: nothing to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static ObjectNode json(LiveAttempts.Event e) {
        Attempt a = e.attempt();
        ObjectNode node = Json.object();
        node.put("webhook_id", e.webhookId());
        node.put("delivery_id", e.deliveryId());
        node.put("request_id", e.requestId());
        node.put("attempt", a.number());
        node.put("status", e.status() == DeliveryStatus.PENDING ? "retrying" : e.status().wire());
        node.put("status_code", a.statusCode());
        node.put("latency_ms", a.latencyMs());
        node.put("attempted_at", IsoTime.format(a.attemptedAt()));
        node.put("error", a.error());
        return node;
    }
}
