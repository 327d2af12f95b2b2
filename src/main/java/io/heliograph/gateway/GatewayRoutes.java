package io.heliograph.gateway;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.heliograph.api.ApiException;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.destination.HostAllowList;
import io.heliograph.http.RateLimiter;
import io.heliograph.ingest.IngestService;
import io.heliograph.ops.Metrics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's routes, all served by one {@link ProxyCore}: {@code /oai/v1/*} to OpenAI,
 * {@code /anthropic/v1/*} to Anthropic (each but its log route), and {@code /gateway/*} to the upstream
 * the caller names in {@code Helicone-Target-Url}.
 */
public final class GatewayRoutes implements HttpService, AutoCloseable {
    /** Where each route goes. */
    public record Upstreams(URI openAiBaseUrl, URI anthropicBaseUrl, HostAllowList gatewayTargets, Duration timeout) {
    }

    private final ProxyCore core;
    private final List<ProviderRoute> providers;
    private final GenericRoute generic;

    /** @param guard judges the generic gateway's targets, as it does webhook destinations */
    public GatewayRoutes(ApiKeyStore keys, Upstreams upstreams, DestinationGuard guard, IngestService ingest,
            Optional<RateLimiter> limiter, Metrics metrics, Clock clock) {
        this.core = new ProxyCore(keys, upstreams.timeout(), ingest, limiter, metrics, clock);
        this.providers = List.of(ProviderRoute.openAi(upstreams.openAiBaseUrl(), upstreams.timeout()),
                ProviderRoute.anthropic(upstreams.anthropicBaseUrl(), upstreams.timeout()));
        this.generic = new GenericRoute(guard, upstreams.gatewayTargets(), upstreams.timeout());
    }

    @Override
    public void routing(HttpRules rules) {
        for (ProviderRoute route : providers) {
            rules.any(route.pathPattern(), (req, res) -> {
                if (route.isLogRoute(req.path().rawPath())) {
                    throw ApiException.notFound("Not found"); // the log route's other methods
                }
                core.proxy(req, res, route.prefix(), route);
            });
        }
        rules.any(GenericRoute.PREFIX, (req, res) -> core.proxy(req, res, GenericRoute.PREFIX, generic));
        rules.any(GenericRoute.PREFIX + "/*", (req, res) -> core.proxy(req, res, GenericRoute.PREFIX, generic));
    }

    /** Stops taking logs and writes those still waiting (up to 10 s), then closes the upstream clients. */
    @Override
    public void close() {
        core.close();
        providers.forEach(ProviderRoute::close);
        generic.close();
    }
}
