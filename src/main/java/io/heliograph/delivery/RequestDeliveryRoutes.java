package io.heliograph.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.PathIds;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.json.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code GET /v1/request/{id}/deliveries}: which webhooks one logged request triggered, and how each
 * delivery went — its status and attempts, as a webhook's delivery list shows them, plus the webhook's
 * id. A log of another organization, or none, is a 404.
 */
public final class RequestDeliveryRoutes implements HttpService {
    static final String NOT_FOUND = "Request not found";

    private final RequestLogStore logs;
    private final DeliveryStore deliveries;

    public RequestDeliveryRoutes(RequestLogStore logs, DeliveryStore deliveries) {
        this.logs = logs;
        this.deliveries = deliveries;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/request/{id}/deliveries", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        String orgId = AuthFilter.caller(req).orgId();
        String id = PathIds.uuid(req, "id", NOT_FOUND);
        if (!logs.summaries(orgId, List.of(id)).containsKey(id)) {
            throw ApiException.notFound(NOT_FOUND);
        }
        ArrayNode items = Json.object().arrayNode();
        for (Delivery d : deliveries.forRequest(orgId, id)) {
            ObjectNode node = Json.object();
            node.put("webhook_id", d.webhookId());
            node.setAll(DeliveryRoutes.json(d));
            items.add(node);
        }
        ObjectNode data = Json.object();
        data.set("items", items);
        Envelope.ok(res, data);
    }
}
