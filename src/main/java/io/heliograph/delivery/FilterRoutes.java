package io.heliograph.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import io.heliograph.api.PageRequest;
import io.heliograph.filter.Filter;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.PathIds;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ingest.RequestQuery;
import io.heliograph.json.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/filters/test}: tries a filter expression against the caller's own logs — the ones
 * it names, or its latest 100 — before a webhook carries it (SPEC §8). The filter is validated as a
 * webhook's is, pointers starting at {@code /filter}.
 */
public final class FilterRoutes implements HttpService {
    static final String BAD_IDS = "request_ids must be an array of 1 to 100 ids";
    static final int MAX_IDS = 100;

    private final RequestLogStore logs;

    public FilterRoutes(RequestLogStore logs) {
        this.logs = logs;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/test", this::test);
    }

    private void test(ServerRequest req, ServerResponse res) {
        String orgId = AuthFilter.caller(req).orgId();
        JsonNode body = JsonBodies.read(req);
        if (!body.isObject()) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
        Filter filter = Filter.compile(body.get("filter"), "/filter");
        Optional<List<String>> ids = requestIds(body.get("request_ids"));

        List<RequestLog> tested = new ArrayList<>();
        if (ids.isPresent()) {
            // Malformed ids cannot be anyone's log: skipped, like unknown ones and other orgs' ones.
            List<String> wellFormed = ids.get().stream().filter(PathIds::isUuid)
                    .map(id -> id.toLowerCase(java.util.Locale.ROOT)).toList();
            Map<String, RequestLog> found = logs.summaries(orgId, wellFormed);
            for (String id : wellFormed) {
                RequestLog log = found.remove(id); // an id given twice is tested once
                if (log != null) {
                    tested.add(log);
                }
            }
        } else {
            tested.addAll(logs.page(orgId, new RequestQuery(Optional.empty(), Optional.empty(), Map.of(),
                    new PageRequest(MAX_IDS, Optional.empty()))).items());
        }

        ObjectNode data = Json.object();
        data.put("tested", tested.size());
        ArrayNode matched = data.putArray("matched");
        for (RequestLog log : tested) {
            if (filter.matches(new LogSubject(log))) {
                matched.add(log.id());
            }
        }
        Envelope.ok(res, data);
    }

    /** Absent or null: none given. Otherwise an array of 1–100 strings. */
    private static Optional<List<String>> requestIds(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_IDS) {
            throw ApiException.badRequest(BAD_IDS);
        }
        List<String> ids = new ArrayList<>(node.size());
        for (JsonNode id : node) {
            if (!id.isTextual()) {
                throw ApiException.badRequest(BAD_IDS);
            }
            ids.add(id.textValue());
        }
        return Optional.of(ids);
    }
}
