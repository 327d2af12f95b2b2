package io.heliograph.ops;

import io.heliograph.store.Database;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /healthz}: the process answers. {@code /readyz}: the store is reachable and takes writes. {@code /metrics}: Prometheus. */
public final class HealthRoutes implements HttpService {
    private final Database database;
    private final Metrics metrics;

    public HealthRoutes(Database database, Metrics metrics) {
        this.database = database;
        this.metrics = metrics;
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
        if (!database.acceptsWrites()) {
            send(res, 503, "{\"status\":\"unavailable\",\"reason\":\"store is not accepting writes\"}");
            return;
        }
        var low = database.lowOnDisk();
        if (low.isPresent()) {
            var body = io.heliograph.http.Json.object().put("status", "unavailable").put("reason", low.get());
            send(res, 503, io.heliograph.http.Json.writeString(body));
            return;
        }
        send(res, 200, "{\"status\":\"ready\"}");
    }

    private static void send(ServerResponse res, int status, String body) {
        res.status(Status.create(status))
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(body);
    }
}
