package io.heliograph.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.api.ApiException;
import io.heliograph.auth.SessionStore;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.json.Json;
import java.util.Optional;

/**
 * The dashboard: its page and assets at {@code /} and {@code /ui/…}, straight from the jar, and its
 * sign-in at {@code /ui/session}. The page then calls the JSON API like any client, authenticated by
 * the session cookie instead of a Bearer key.
 */
public final class UiRoutes implements HttpService {
    static final String INVALID_KEY = "Invalid API key";
    static final String KEY_REQUIRED = "key is required";
    static final String NOT_SIGNED_IN = "Not signed in";

    private final SessionStore sessions;
    private final SignInThrottle throttle;
    private final Assets assets;

    public UiRoutes(SessionStore sessions, java.time.Clock clock) {
        this.sessions = sessions;
        this.throttle = new SignInThrottle(clock::millis);
        this.assets = Assets.load();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> assets.send("index.html", req, res))
                .get("/ui/session", this::current)
                .post("/ui/session", this::signIn)
                .delete("/ui/session", this::signOut)
                .get("/ui/{file}", (req, res) -> assets.send(req.path().pathParameters().get("file"), req, res));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        String address = req.remotePeer().host();
        long wait = throttle.waitSeconds(address);
        if (wait > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(wait));
            throw ApiException.of(429, "Too many failed sign-ins; try again in " + wait + " s");
        }
        // A JSON body only: a cross-site form cannot send one without the browser asking first.
        if (req.headers().first(HeaderNames.CONTENT_TYPE).isEmpty()) {
            throw ApiException.unsupportedMediaType(JsonBodies.WRONG_CONTENT_TYPE);
        }
        JsonNode body = JsonBodies.read(req);
        JsonNode key = body.path("key");
        if (!key.isTextual() || key.asText().isBlank()) {
            throw ApiException.badRequest(KEY_REQUIRED);
        }
        Optional<SessionStore.Opened> opened = key.asText().length() > 512 ? Optional.empty() : sessions.signIn(key.asText().trim());
        if (opened.isEmpty()) {
            throttle.failed(address);
            throw ApiException.of(401, INVALID_KEY);
        }
        throttle.succeeded(address);
        res.header(HeaderNames.SET_COOKIE, cookie(opened.get().token(), SessionStore.LIFETIME.toSeconds(), req.isSecure()));
        Envelope.ok(res, json(opened.get().session()));
    }

    private void current(ServerRequest req, ServerResponse res) {
        Envelope.ok(res, json(session(req).orElseThrow(() -> ApiException.of(401, NOT_SIGNED_IN))));
    }

    /** Ends the session; a change like any other, so it needs the session's CSRF token. */
    private void signOut(ServerRequest req, ServerResponse res) {
        Optional<String> token = AuthFilter.sessionToken(req);
        Optional<SessionStore.Session> session = token.flatMap(sessions::find);
        if (session.isPresent()) {
            if (!AuthFilter.sameToken(req.headers().first(AuthFilter.CSRF_HEADER), session.get().csrfToken())) {
                throw ApiException.of(403, AuthFilter.CSRF_INVALID);
            }
            sessions.signOut(token.get());
        }
        res.header(HeaderNames.SET_COOKIE, cookie("", 0, req.isSecure()));
        Envelope.ok(res, Json.object().put("signed_out", true));
    }

    private Optional<SessionStore.Session> session(ServerRequest req) {
        return AuthFilter.sessionToken(req).flatMap(sessions::find);
    }

    /**
     * HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it); Secure only
     * over https, so the dashboard works over plain http on any host name the browser used.
     */
    static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return AuthFilter.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static ObjectNode json(SessionStore.Session s) {
        ObjectNode node = Json.object();
        node.put("org", s.organization());
        node.put("scope", s.caller().scope().wire());
        node.put("key_prefix", s.keyPrefix());
        node.put("csrf_token", s.csrfToken());
        return node;
    }
}
