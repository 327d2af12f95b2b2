package io.heliograph.http;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.Caller;
import io.heliograph.auth.Scope;
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
 * Bearer API-key authentication for every protected path. It runs before routing, so no route can
 * forget it; a route reads the authenticated {@link Caller} with {@link #caller(ServerRequest)}.
 */
public final class AuthFilter implements Filter {
    private final ApiKeyStore keys;
    private final Predicate<String> isProtected;
    private final Function<String, Optional<RateLimiter>> limiterFor;
    private final Function<String, Scope> scopeFor;

    /** Out of a key's scope (SPEC §2). */
    public static final String NOT_ALLOWED = "This API key is not allowed to do that";

    /**
     * @param isProtected which request paths need a Bearer key
     * @param limiterFor  the per-key rate limit of a protected path, if any
     * @param scopeFor    the narrowest scope a key needs for a protected path
     */
    public AuthFilter(ApiKeyStore keys, Predicate<String> isProtected, Function<String, Optional<RateLimiter>> limiterFor,
            Function<String, Scope> scopeFor) {
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
        Optional<Caller> caller = bearerToken(req.headers().first(HeaderNames.AUTHORIZATION)).flatMap(keys::authenticate);
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
