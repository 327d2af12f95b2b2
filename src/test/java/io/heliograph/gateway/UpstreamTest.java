package io.heliograph.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gateway's client to the upstream: where a path goes, and a client that changes nothing on the way. */
class UpstreamTest {
    @ParameterizedTest(name = "{0} + {1} ? {2}")
    @CsvSource(nullValues = "NULL", value = {
            "https://api.openai.com, /v1/chat/completions, NULL, https://api.openai.com/v1/chat/completions",
            "https://api.openai.com, /v1/chat/completions, '', https://api.openai.com/v1/chat/completions",
            "https://api.openai.com, /v1/models, limit=5&after=x, https://api.openai.com/v1/models?limit=5&after=x",
            "http://127.0.0.1:8080/proxy, /v1/embeddings, NULL, http://127.0.0.1:8080/proxy/v1/embeddings",
            "https://api.openai.com, /v1/files/a%2Fb, q=%C3%A9%20x, https://api.openai.com/v1/files/a%2Fb?q=%C3%A9%20x",
            "https://api.openai.com, '', NULL, https://api.openai.com",
    })
    void theTargetIsTheBaseThenThePathAndQueryAsReceived(String base, String path, String query, String expected) {
        try (Upstream upstream = new Upstream(URI.create(base), Duration.ofSeconds(30))) {
            URI target = upstream.target(path, query);
            assertThat(target.toString()).isEqualTo(expected);
            assertThat(target.getRawPath()).as("percent-encoding passes as it came").isEqualTo(URI.create(expected).getRawPath());
        }
    }

    @Test
    void theClientFollowsNoRedirectsDecodesNothingAndNamesNoAgent() {
        try (Upstream upstream = new Upstream(URI.create("https://api.openai.com"), Duration.ofSeconds(30))) {
            var client = upstream.client();
            assertThat(client.isStarted()).isTrue();
            assertThat(client.isFollowRedirects()).isFalse();
            assertThat(client.getUserAgentField()).isNull();
            assertThat(client.getContentDecoderFactories()).isEmpty();
            for (String handler : List.of(WWWAuthenticationProtocolHandler.NAME, RedirectProtocolHandler.NAME, ContinueProtocolHandler.NAME)) {
                assertThat(client.getProtocolHandlers().remove(handler)).as(handler).isNull();
            }
            assertThat(client.getConnectTimeout()).isEqualTo(Upstream.CONNECT_TIMEOUT.toMillis()).isEqualTo(10_000);
            assertThat(upstream.timeout()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void idleConnectionsLastAsLongAsTheTimeoutAndAtLeastAMinute() {
        try (Upstream shortTimeout = new Upstream(URI.create("https://api.openai.com"), Duration.ofSeconds(5));
                Upstream longTimeout = new Upstream(URI.create("https://api.openai.com"), Duration.ofMinutes(10))) {
            assertThat(shortTimeout.client().getIdleTimeout()).isEqualTo(60_000);
            assertThat(longTimeout.client().getIdleTimeout()).isEqualTo(600_000);
        }
    }

    @Test
    void closingStopsTheClient() {
        Upstream upstream = new Upstream(URI.create("https://api.openai.com"), Duration.ofSeconds(30));
        upstream.close();
        assertThat(upstream.client().isStopped()).isTrue();
        upstream.close(); // a second close is harmless
    }

    @Test
    void aGuardedClientConnectsOnlyWhereTheGuardAllows() throws Exception {
        io.heliograph.destination.DestinationGuard guard = new io.heliograph.destination.DestinationGuard(
                host -> List.of(java.net.InetAddress.getByName(host.equals("private.test") ? "10.0.0.5" : "203.0.113.7")),
                false, true);
        try (Upstream upstream = Upstream.guarded(guard, Duration.ofSeconds(30))) {
            var resolver = upstream.client().getSocketAddressResolver();
            var refused = new java.util.concurrent.CompletableFuture<List<java.net.InetSocketAddress>>();
            resolver.resolve("private.test", 443, null, org.eclipse.jetty.util.Promise.from(refused::complete, refused::completeExceptionally));
            assertThat(refused).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(io.heliograph.destination.DestinationGuard.RefusedDestinationException.class);
            var allowed = new java.util.concurrent.CompletableFuture<List<java.net.InetSocketAddress>>();
            resolver.resolve("public.test", 443, null, org.eclipse.jetty.util.Promise.from(allowed::complete, allowed::completeExceptionally));
            assertThat(allowed.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .containsExactly(new java.net.InetSocketAddress(java.net.InetAddress.getByName("203.0.113.7"), 443));
        }
    }
}
