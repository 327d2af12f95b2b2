package io.heliograph.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.Caller;
import io.heliograph.auth.Scope;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.PathIds;
import io.heliograph.json.IsoTime;
import io.heliograph.json.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The organization's API keys, for {@code admin} keys only (the filter in front checks the scope):
 * {@code GET /v1/keys} lists them (prefixes, never keys), {@code POST /v1/keys} makes one — its key
 * is in that answer and never again — and {@code DELETE /v1/keys/{id}} revokes one, except the
 * organization's last live admin key.
 */
public final class KeyRoutes implements HttpService {
    public static final String PATH = "/v1/keys";
    static final String NOT_FOUND = "API key not found";
    static final String BAD_SCOPE = "scope must be one of admin, write, ingest";
    static final String WIDER_SCOPE = "A key cannot create a key of a wider scope than its own";
    static final String BAD_NAME = "name must be a string of at most 100 characters, without control characters";
    static final String LAST_ADMIN = "The last admin key of an organization cannot be revoked";
    static final int MAX_NAME = 100;

    private final ApiKeyStore keys;

    public KeyRoutes(ApiKeyStore keys) {
        this.keys = keys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/", this::create)
                .get("/{id}", this::get)
                .delete("/{id}", this::revoke);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.object().arrayNode();
        keys.listInOrg(AuthFilter.caller(req).orgId()).forEach(k -> out.add(json(k)));
        Envelope.ok(res, out);
    }

    private void get(ServerRequest req, ServerResponse res) {
        String id = PathIds.uuid(req, "id", NOT_FOUND);
        Envelope.ok(res, json(keys.findInOrg(AuthFilter.caller(req).orgId(), id).orElseThrow(() -> ApiException.notFound(NOT_FOUND))));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = AuthFilter.caller(req);
        JsonNode body = JsonBodies.read(req);
        if (!body.isObject()) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
        Scope scope = scope(body.get("scope"));
        if (!caller.scope().covers(scope)) {
            throw ApiException.of(403, WIDER_SCOPE);
        }
        Envelope.ok(res, json(keys.createInOrg(caller.orgId(), scope, name(body.get("name")))));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String id = PathIds.uuid(req, "id", NOT_FOUND);
        ApiKeyStore.OrgRevokeResult result = keys.revokeInOrg(AuthFilter.caller(req).orgId(), id);
        switch (result.kind()) {
            case NOT_FOUND -> throw ApiException.notFound(NOT_FOUND);
            case LAST_ADMIN -> throw ApiException.of(409, LAST_ADMIN);
            case REVOKED -> Envelope.ok(res, json(result.key()));
        }
    }

    /** Absent or null: {@code ingest}, the least a key can do; otherwise one of the three names. */
    static Scope scope(JsonNode node) {
        if (node == null || node.isNull()) {
            return Scope.INGEST;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(BAD_SCOPE);
        }
        return Scope.parse(node.textValue()).orElseThrow(() -> ApiException.badRequest(BAD_SCOPE));
    }

    /** Absent, null or blank: none. Otherwise at most 100 characters, none a control character or an unpaired surrogate. */
    static String name(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(BAD_NAME);
        }
        String name = node.textValue().strip();
        if (name.codePointCount(0, name.length()) > MAX_NAME
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
            throw ApiException.badRequest(BAD_NAME);
        }
        return name.isEmpty() ? null : name;
    }

    private static ObjectNode json(ApiKeyStore.OrgKey k) {
        ObjectNode out = Json.object();
        out.put("id", k.id());
        out.put("prefix", k.prefix());
        out.put("scope", k.scope().wire());
        if (k.name() == null) {
            out.putNull("name");
        } else {
            out.put("name", k.name());
        }
        out.put("created_at", IsoTime.format(k.createdAt()));
        if (k.revokedAt() == null) {
            out.putNull("revoked_at");
        } else {
            out.put("revoked_at", IsoTime.format(k.revokedAt()));
        }
        if (k.key() != null) {
            out.put("key", k.key());
        }
        return out;
    }
}
