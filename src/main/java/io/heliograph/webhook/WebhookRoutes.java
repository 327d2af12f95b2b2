package io.heliograph.webhook;

import io.heliograph.auth.Caller;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.PathIds;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /v1/webhooks}: Helicone's webhooks API. */
public final class WebhookRoutes implements HttpService {
    private final WebhookService service;
    private final WebhookInput input;

    public WebhookRoutes(WebhookService service, WebhookInput input) {
        this.service = service;
        this.input = input;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .get("/{id}", this::get)
                .patch("/{id}", this::patch)
                .delete("/{id}", this::delete)
                .post("/{id}/rotate-secret", this::rotateSecret);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = AuthFilter.caller(req);
        Webhook created = service.create(caller.orgId(), input.parseCreate(JsonBodies.read(req)));
        Envelope.ok(res, WebhookJson.of(created));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Envelope.ok(res, WebhookJson.of(service.list(AuthFilter.caller(req).orgId())));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Envelope.ok(res, WebhookJson.of(service.get(AuthFilter.caller(req).orgId(), id(req))));
    }

    private void patch(ServerRequest req, ServerResponse res) {
        String orgId = AuthFilter.caller(req).orgId();
        String id = id(req);
        // Another org's id is a 404 before its body is even looked at, so validation errors leak nothing.
        service.get(orgId, id);
        Envelope.ok(res, WebhookJson.of(service.patch(orgId, id, input.parsePatch(JsonBodies.read(req)))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        service.delete(AuthFilter.caller(req).orgId(), id(req));
        Envelope.ok(res, null);
    }

    private void rotateSecret(ServerRequest req, ServerResponse res) {
        Envelope.ok(res, WebhookJson.of(service.rotateSecret(AuthFilter.caller(req).orgId(), id(req))));
    }

    private static String id(ServerRequest req) {
        return PathIds.uuid(req, "id", WebhookService.NOT_FOUND);
    }
}
