package io.heliograph.gateway;

import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import io.heliograph.ingest.llm.Provider;
import java.net.URI;
import java.time.Duration;

/**
 * A provider's own routes, {@code /<prefix>/v1/*}, to its configured base URL: {@code /oai/v1/*} to
 * OpenAI's, {@code /anthropic/v1/*} to Anthropic's. The base URL is the operator's and trusted as given,
 * whatever the private-destination setting (a local model server, a test's fake upstream). The
 * provider's log route {@code /<prefix>/v1/log} is not proxied: it is the log route, and any other
 * method on it is a 404.
 */
final class ProviderRoute implements ProxyCore.Route, AutoCloseable {
    private final String prefix;
    private final String provider;
    private final Upstream upstream;

    private ProviderRoute(String prefix, String provider, URI baseUrl, Duration timeout) {
        this.prefix = prefix;
        this.provider = provider;
        this.upstream = new Upstream(baseUrl, timeout);
    }

    static ProviderRoute openAi(URI baseUrl, Duration timeout) {
        return new ProviderRoute("/oai", Provider.OPENAI, baseUrl, timeout);
    }

    static ProviderRoute anthropic(URI baseUrl, Duration timeout) {
        return new ProviderRoute("/anthropic", Provider.ANTHROPIC, baseUrl, timeout);
    }

    String prefix() {
        return prefix;
    }

    /** The pattern the route answers. */
    String pathPattern() {
        return prefix + "/v1/*";
    }

    /** Whether a request path is the provider's log route (or under it), which this route leaves alone. */
    boolean isLogRoute(String rawPath) {
        String log = prefix + "/v1/log";
        return rawPath.equals(log) || rawPath.startsWith(log + "/");
    }

    @Override
    public ProxyCore.Target target(ServerRequest req, String rawPath, String rawQuery) {
        URI uri;
        try {
            uri = upstream.target(rawPath, rawQuery);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid request path");
        }
        return new ProxyCore.Target(upstream, uri, uri.toString(), provider);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
