package io.heliograph.ops;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.store.Database;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@code /healthz}: the process answers. {@code /readyz}: the store is reachable, not read-only, and
 * its disk is not nearly full; the server is not shutting down. {@code /metrics}: Prometheus.
 */
public final class HealthRoutes implements HttpService {
    /** /readyz needs no auth: however often it is called, the store is asked at most once in this long. */
    static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Database database;
    private final Metrics metrics;
    private final BooleanSupplier shuttingDown;
    private final LongSupplier nanoTime;
    private Optional<String> lastProblem = Optional.empty();
    private long checkedAt;
    private boolean checked;

    public HealthRoutes(Database database, Metrics metrics, BooleanSupplier shuttingDown) {
        this(database, metrics, shuttingDown, System::nanoTime);
    }

    HealthRoutes(Database database, Metrics metrics, BooleanSupplier shuttingDown, LongSupplier nanoTime) {
        this.database = database;
        this.metrics = metrics;
        this.shuttingDown = shuttingDown;
        this.nanoTime = nanoTime;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", this::health)
                .get("/readyz", this::ready)
                .get("/metrics", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .send(metrics.scrape()));
    }

    private void health(ServerRequest req, ServerResponse res) {
        send(res, 200, "{\"status\":\"ok\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        if (shuttingDown.getAsBoolean()) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            send(res, 503, "{\"status\":\"unavailable\",\"reason\":\"shutting down\"}");
            return;
        }
        Optional<String> problem = problem();
        if (problem.isPresent()) {
            send(res, 503, io.heliograph.json.Json.writeString(
                    io.heliograph.json.Json.object().put("status", "unavailable").put("reason", problem.get())));
            return;
        }
        send(res, 200, "{\"status\":\"ready\"}");
    }

    /** The store's state, checked at most once a second; callers in between get the last answer. */
    synchronized Optional<String> problem() {
        long now = nanoTime.getAsLong();
        if (!checked || now - checkedAt >= CHECK_EVERY_NANOS) {
            lastProblem = !database.reachable() ? Optional.of("store is not reachable") : database.lowOnDisk();
            checkedAt = now;
            checked = true;
        }
        return lastProblem;
    }

    private static void send(ServerResponse res, int status, String body) {
        res.status(Status.create(status))
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(body);
    }
}
