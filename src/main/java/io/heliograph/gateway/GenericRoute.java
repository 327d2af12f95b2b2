package io.heliograph.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import io.heliograph.destination.Destination;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.destination.HostAllowList;
import io.heliograph.ingest.llm.Provider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The generic gateway, {@code /gateway/*}: the caller names the upstream in {@code Helicone-Target-Url}
 * (scheme, host, optional port and base path) and the path after {@code /gateway} is appended, with the
 * query. Because the caller picks the host, the target passes the webhooks' destination guard — no
 * private or internal address unless private destinations are allowed, https unless http is — and the
 * connection goes to exactly the addresses the guard approved (its resolver hook); redirects are passed
 * back, never followed. {@code HELIOGRAPH_GATEWAY_TARGETS} can narrow the hosts further. A target that is
 * missing, malformed or refused answers 400 before any connection is made.
 *
 * <p>The provider is the one the target host names ({@code api.openai.com} is OPENAI, …), else CUSTOM;
 * the bodies are read by their shape whatever the host.
 */
final class GenericRoute implements ProxyCore.Route, AutoCloseable {
    static final String PREFIX = "/gateway";
    static final HeaderName TARGET_URL = HeaderNames.create("Helicone-Target-Url");
    static final String MISSING = "Helicone-Target-Url header is required: the upstream's scheme and host, e.g. https://api.together.xyz";
    static final String INVALID = "Helicone-Target-Url must be an absolute http(s) URL with a host and no query, e.g. https://api.together.xyz";
    static final String REFUSED = "Helicone-Target-Url refused: ";
    static final String NOT_LISTED = "Helicone-Target-Url refused: host is not among the gateway targets this server allows";

    private final DestinationGuard guard;
    private final HostAllowList allowed;
    private final Upstream upstream;

    GenericRoute(DestinationGuard guard, HostAllowList allowed, Duration timeout) {
        this.guard = guard;
        this.allowed = allowed;
        this.upstream = Upstream.guarded(guard, timeout);
    }

    @Override
    public ProxyCore.Target target(ServerRequest req, String rawPath, String rawQuery) {
        String header = req.headers().first(TARGET_URL).map(String::strip).orElse("");
        if (header.isEmpty()) {
            throw ApiException.badRequest(MISSING);
        }
        Base base = Base.parse(header);
        if (!allowed.permits(base.destination().host())) {
            throw ApiException.badRequest(NOT_LISTED);
        }
        try {
            guard.resolveForSend(base.destination());
        } catch (DestinationGuard.RefusedDestinationException e) {
            throw ApiException.badRequest(REFUSED + e.getMessage());
        }
        URI uri;
        String logged;
        try {
            uri = Upstream.join(base.pinned(), rawPath, rawQuery);
            logged = Upstream.join(base.asGiven(), rawPath, rawQuery).toString();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid request path");
        }
        return new ProxyCore.Target(upstream, uri, logged,
                Provider.ofUrl(base.destination().url()).orElse(Provider.CUSTOM));
    }

    /**
     * A target base URL, checked: {@code asGiven} is the caller's text without a trailing slash, for the
     * log; {@code pinned} names the host as the guard judged it (canonical IP text, punycode), with its
     * port, so the client's resolver hook is asked about exactly that host.
     */
    record Base(Destination destination, String asGiven, String pinned) {
        static Base parse(String text) {
            URI uri;
            Destination destination;
            try {
                uri = new URI(text);
                destination = Destination.parse(text);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw ApiException.badRequest(INVALID);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw ApiException.badRequest(INVALID);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String given = text;
            while (given.endsWith("/")) {
                given = given.substring(0, given.length() - 1);
            }
            String host = destination.host().contains(":") ? "[" + destination.host() + "]" : destination.host();
            return new Base(destination, given, destination.scheme() + "://" + host + ":" + destination.port() + path);
        }
    }

    @Override
    public void close() {
        upstream.close();
    }
}
