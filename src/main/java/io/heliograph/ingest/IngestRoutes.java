package io.heliograph.ingest;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.PathIds;
import io.heliograph.ingest.llm.Provider;
import io.heliograph.json.Json;
import java.util.List;
import java.util.function.Function;

/**
 * The log routes — Helicone's async format at {@code /{custom,oai,anthropic,googleapis}/v1/log} and
 * the plain format at {@code /v1/request/log} — and reading logs back.
 */
public final class IngestRoutes implements HttpService {
    /** Helicone's log routes, by the path segment that names the provider. */
    public static final List<String> HELICONE_LOG_ROUTES = List.of("custom", "oai", "anthropic", "googleapis");
    static final String NOT_FOUND = "Request not found";
    private static final HeaderName HELICONE_ID = HeaderNames.create("Helicone-Id");
    public static final String PLAIN_LOG_ROUTE = "/v1/request/log";

    private final IngestService ingest;
    private final RequestLogStore logs;

    public IngestRoutes(IngestService ingest, RequestLogStore logs) {
        this.ingest = ingest;
        this.logs = logs;
    }

    /** The paths that need a Bearer API key (the filter in front of routing checks them). */
    public static boolean isLogRoute(String path) {
        return HELICONE_LOG_ROUTES.stream().anyMatch(route -> path.equals("/" + route + "/v1/log"));
    }

    @Override
    public void routing(HttpRules rules) {
        for (String route : HELICONE_LOG_ROUTES) {
            String provider = Provider.ofRoute(route);
            rules.post("/" + route + "/v1/log", (req, res) -> log(req, res,
                    body -> HeliconeLogFormat.parse(body, provider, HeliconeHeaders.of(req.headers()))));
        }
        rules.post(PLAIN_LOG_ROUTE, (req, res) -> log(req, res,
                        body -> PlainLogFormat.parse(body, HeliconeHeaders.of(req.headers()))))
                .get("/v1/request/{id}", this::get)
                .get("/v1/requests", this::list);
    }

    /**
     * Reads, parses and commits one log within its share of the ingest budget: the share is taken
     * before the body is read (503 with Retry-After when the server holds all it may) and returned
     * once the log is committed or refused.
     */
    private void log(ServerRequest req, ServerResponse res, Function<byte[], LogInput> parse) {
        JsonBodies.requireJsonContentType(req);
        IngestBudget budget = ingest.budget();
        try (IngestBudget.Reservation share = budget.reserve()) {
            byte[] body = JsonBodies.readBytes(req, share::addBody);
            answer(res, ingest.log(AuthFilter.caller(req).orgId(), parse.apply(body)));
        }
    }

    private static void answer(ServerResponse res, String requestId) {
        res.header(HELICONE_ID, requestId);
        Envelope.okWithId(res, "request_id", requestId);
    }

    private void get(ServerRequest req, ServerResponse res) {
        String id = PathIds.uuid(req, "id", NOT_FOUND);
        RequestLog log = logs.find(AuthFilter.caller(req).orgId(), id)
                .orElseThrow(() -> io.heliograph.api.ApiException.notFound(NOT_FOUND));
        Envelope.ok(res, RequestLogJson.of(log));
    }

    private void list(ServerRequest req, ServerResponse res) {
        RequestLogStore.Page page = logs.page(AuthFilter.caller(req).orgId(), RequestQuery.of(req));
        var data = Json.object();
        data.set("items", RequestLogJson.of(page.items()));
        data.put("next_cursor", page.nextCursor());
        Envelope.ok(res, data);
    }
}
