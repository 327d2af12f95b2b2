package io.heliograph.gateway;

import io.heliograph.destination.DestinationGuard;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;

/**
 * The gateway's HTTP client to the upstream. It changes nothing on the way: no content decoding
 * (compressed bodies pass as they are), no User-Agent of its own, no redirects followed, no
 * authentication challenges answered — the caller sees what the upstream said.
 *
 * <p>A configured upstream (the OpenAI or Anthropic base URL) is trusted as given. The generic
 * gateway's upstream is named by each caller, so its client connects only through the destination
 * guard: every connection goes to exactly the addresses the guard approved for its host.
 */
final class Upstream implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI baseUrl;
    private final Duration timeout;
    private final HttpClient client = new HttpClient();

    Upstream(URI baseUrl, Duration timeout) {
        this(baseUrl, timeout, null);
    }

    /** A client for caller-named targets: no base URL, every connection resolved by {@code guard}. */
    static Upstream guarded(DestinationGuard guard, Duration timeout) {
        return new Upstream(null, timeout, guard);
    }

    private Upstream(URI baseUrl, Duration timeout, DestinationGuard guard) {
        this.baseUrl = baseUrl;
        this.timeout = timeout;
        if (guard != null) {
            client.setSocketAddressResolver((host, port, context, promise) -> {
                try {
                    promise.succeeded(guard.socketAddressesForSend(host, port));
                } catch (RuntimeException e) {
                    promise.failed(e);
                }
            });
        }
        client.setFollowRedirects(false);
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setUserAgentField(null);
        // Streams last as long as a model talks: the per-host cap must not be what makes callers wait.
        client.setMaxConnectionsPerDestination(10_000);
        client.setMaxRequestsQueuedPerDestination(100_000);
        client.setIdleTimeout(Math.max(timeout.toMillis(), 60_000));
        try {
            client.start();
            // Both are installed at start. No decoder may act, so that compressed bodies pass untouched;
            // no protocol handler either: a 401 without WWW-Authenticate (OpenAI's, for a bad key) must
            // reach the caller as it is, not fail as a "protocol violation".
            client.getContentDecoderFactories().clear();
            client.getProtocolHandlers().clear();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the gateway's HTTP client", e);
        }
    }

    HttpClient client() {
        return client;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * The upstream URL for a gateway path: {@code /oai/v1/chat/completions?x=1} goes to
     * {@code <base>/v1/chat/completions?x=1}, path and query passed raw (already percent-encoded).
     */
    URI target(String rawPathAfterPrefix, String rawQuery) {
        return join(baseUrl.toString(), rawPathAfterPrefix, rawQuery);
    }

    /** {@code base + path + ?query}, path and query raw; throws IllegalArgumentException when that is no URI. */
    static URI join(String base, String rawPath, String rawQuery) {
        String query = rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery;
        return URI.create(base + rawPath + query);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
