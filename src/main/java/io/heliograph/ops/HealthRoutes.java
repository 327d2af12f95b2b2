package io.heliograph.ops;

import io.heliograph.store.Database;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /healthz}: the process answers. {@code /readyz}: the store is reachable and takes writes. */
public final class HealthRoutes implements HttpService {
    private final Database database;

    public HealthRoutes(Database database) {
        this.database = database;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", this::health)
                .get("/readyz", this::ready);
    }

    private void health(ServerRequest req, ServerResponse res) {
        send(res, 200, "{\"status\":\"ok\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        if (database.acceptsWrites()) {
            send(res, 200, "{\"status\":\"ready\"}");
        } else {
            send(res, 503, "{\"status\":\"unavailable\",\"reason\":\"store is not accepting writes\"}");
        }
    }

    private static void send(ServerResponse res, int status, String body) {
        res.status(Status.create(status))
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(body);
    }
}
