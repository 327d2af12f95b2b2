package io.heliograph.http;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.Caller;
import io.heliograph.auth.Scope;
import io.heliograph.auth.SessionStore;
import io.helidon.http.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Authentication for every protected path: a Bearer API key, or else the dashboard's session cookie
 * (whose changes must also carry the session's CSRF token). It runs before routing, so no route can
 * forget it; a route reads the authenticated {@link Caller} with {@link #caller(ServerRequest)}.
 */
public final class AuthFilter implements Filter {
    private final ApiKeyStore keys;
    private final Predicate<String> isProtected;
    private final Function<String, Optional<RateLimiter>> limiterFor;
    private final Function<String, Scope> scopeFor;
    private final Function<String, Optional<SessionStore.Session>> sessions;

    /** The dashboard's session cookie. */
    public static final String SESSION_COOKIE = "hg_session";
    /** The header a signed-in page sends its session's CSRF token in, on every change. */
    public static final HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");
    /** A change made with the session cookie but without its CSRF token. */
    public static final String CSRF_INVALID = "CSRF token missing or invalid";

    /** Out of a key's scope (SPEC §2). */
    public static final String NOT_ALLOWED = "This API key is not allowed to do that";

    /**
     * @param isProtected which request paths need a Bearer key
     * @param limiterFor  the per-key rate limit of a protected path, if any
     * @param scopeFor    the narrowest scope a key needs for a protected path
     * @param sessions    the dashboard session a cookie's token stands for, if live
     */
    public AuthFilter(ApiKeyStore keys, Predicate<String> isProtected, Function<String, Optional<RateLimiter>> limiterFor,
            Function<String, Scope> scopeFor, Function<String, Optional<SessionStore.Session>> sessions) {
        this.sessions = sessions;
        this.keys = keys;
        this.isProtected = isProtected;
        this.limiterFor = limiterFor;
        this.scopeFor = scopeFor;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!isProtected.test(path)) {
            chain.proceed();
            return;
        }
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        Optional<Caller> caller;
        Optional<String> cookie = authorization.isEmpty() ? sessionToken(req) : Optional.empty();
        if (cookie.isPresent()) {
            Optional<SessionStore.Session> session = sessions.apply(cookie.get());
            if (session.isPresent() && changes(req.prologue().method()) && !sameToken(req.headers().first(CSRF_HEADER), session.get().csrfToken())) {
                Envelope.error(res, 403, CSRF_INVALID);
                return;
            }
            caller = session.map(SessionStore.Session::caller);
        } else {
            caller = bearerToken(authorization).flatMap(keys::authenticate);
        }
        if (caller.isEmpty()) {
            Envelope.error(res, 401, "Unauthorized");
            return;
        }
        if (!caller.get().scope().covers(scopeFor.apply(path))) {
            Envelope.error(res, 403, NOT_ALLOWED);
            return;
        }
        if (!RateLimits.admit(limiterFor.apply(path), caller.get().apiKeyId(), res)) {
            return;
        }
        req.context().register(caller.get());
        chain.proceed();
    }

    /** The dashboard session cookie's value, if the request carries one. */
    public static Optional<String> sessionToken(ServerRequest req) {
        var cookies = req.headers().cookies();
        return cookies.contains(SESSION_COOKIE) ? Optional.of(cookies.get(SESSION_COOKIE)) : Optional.empty();
    }

    /** Whether a method may change something: every one but GET, HEAD and OPTIONS. */
    public static boolean changes(Method method) {
        return !(method.equals(Method.GET) || method.equals(Method.HEAD) || method.equals(Method.OPTIONS));
    }

    /** Whether a presented CSRF token is the session's, compared in time independent of where they differ. */
    public static boolean sameToken(Optional<String> presented, String expected) {
        return presented.isPresent() && MessageDigest.isEqual(presented.get().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    /** The authenticated caller; only valid on protected paths, where the filter has put it. */
    public static Caller caller(ServerRequest req) {
        return req.context().get(Caller.class)
                .orElseThrow(() -> new IllegalStateException("Route is not behind AuthFilter: " + req.path().path()));
    }

    /** The token of an {@code Authorization: Bearer <token>} value (scheme case-insensitive). */
    public static Optional<String> bearerToken(Optional<String> headerValue) {
        return headerValue.map(String::trim)
                .filter(v -> v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim())
                .filter(v -> !v.isEmpty() && v.length() <= 512);
    }
}
