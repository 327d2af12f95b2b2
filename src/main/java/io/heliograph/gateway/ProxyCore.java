package io.heliograph.gateway;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.api.ApiException;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.Caller;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.RateLimiter;
import io.heliograph.http.RateLimits;
import io.heliograph.ingest.GatewayExchange;
import io.heliograph.ingest.HeliconeHeaders;
import io.heliograph.ingest.IngestBudget;
import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.LogIdentity;
import io.heliograph.ingest.Outcome;
import io.heliograph.ops.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every gateway route shares: the caller authenticates with {@code Helicone-Auth: Bearer <api key>};
 * the request goes to the upstream its {@link Route} names and back, byte for byte, and streams chunk by
 * chunk; its own credentials ({@code Authorization}, {@code x-api-key}) go upstream untouched and are
 * never stored. Each exchange becomes a log once it has ended, written off the caller's path.
 *
 * <p>The gateway's own failures answer in the API's envelope, which no provider's error looks like:
 * 401 for a bad Helicone key, 400 for a bad Helicone header or target, 413 for a body over 32 MiB, 502
 * when the upstream cannot be reached, 504 when it says nothing for the gateway timeout.
 */
final class ProxyCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyCore.class);
    static final HeaderName HELICONE_AUTH = HeaderNames.create("Helicone-Auth");
    static final HeaderName HELICONE_ID = HeaderNames.create("Helicone-Id");
    /** The largest request body the gateway forwards: requests carry images as base64. */
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    static final String TOO_LARGE = "Request body too large (limit 32 MiB)";
    /** How much of a response the gateway keeps for the log; beyond it the body still passes, unlogged. */
    static final int MAX_CAPTURED_RESPONSE = 16 * 1024 * 1024;
    private static final int BUFFER = 16 * 1024;

    /** Where one route sends a request: the client to use, the URL, and who serves it. */
    record Target(Upstream upstream, URI uri, String loggedUrl, String provider) {
    }

    /** A gateway route: the upstream for a request, or an {@link ApiException} (400) when there is none. */
    @FunctionalInterface
    interface Route {
        /**
         * @param rawPath  the path after the route's prefix, raw (still percent-encoded)
         * @param rawQuery the query, raw; null or empty when there is none
         */
        Target target(ServerRequest req, String rawPath, String rawQuery);
    }

    private final ApiKeyStore keys;
    private final Optional<RateLimiter> limiter;
    private final GatewayLogWriter logs;
    private final IngestBudget budget;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration timeout;

    ProxyCore(ApiKeyStore keys, Duration timeout, IngestService ingest, Optional<RateLimiter> limiter, Metrics metrics,
            Clock clock) {
        this.keys = keys;
        this.limiter = limiter;
        this.timeout = timeout;
        this.metrics = metrics;
        this.logs = new GatewayLogWriter(ingest, metrics::gatewayLogLost);
        this.budget = ingest.budget();
        this.clock = clock;
    }

    Duration timeout() {
        return timeout;
    }

    /** Proxies one request whose path starts with {@code prefix} to where {@code route} says. */
    void proxy(ServerRequest req, ServerResponse res, String prefix, Route route) {
        long startedAt = clock.millis();
        String rawPath = req.path().rawPath();
        Caller caller = AuthFilter.bearerToken(req.headers().first(HELICONE_AUTH)).flatMap(keys::authenticate)
                .orElseThrow(ApiException::unauthorized);
        if (!RateLimits.admit(limiter, caller.apiKeyId(), res)) {
            return;
        }
        // Back-pressure before anything is forwarded: an exchange that has started is always logged.
        IngestBudget.Reservation share = budget.reserve();
        boolean handedOver = false;
        try {
            if (!logs.hasRoom()) {
                throw IngestBudget.overloaded();
            }
            Map<String, String> heliconeHeaders = HeliconeHeaders.of(req.headers());
            LogIdentity identity = HeliconeHeaders.identity(heliconeHeaders, Map.of());
            String requestId = identity.requestId().orElseGet(() -> UUID.randomUUID().toString());
            identity = new LogIdentity(Optional.of(requestId), identity.userId(), identity.properties());
            byte[] body = readBody(req, share);
            Target target = route.target(req, rawPath.substring(Math.min(prefix.length(), rawPath.length())),
                    req.query().rawValue());

            Exchange ex = new Exchange(caller.orgId(), identity, target.provider(), heliconeHeaders, target.loggedUrl(),
                    startedAt, body, req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null),
                    req.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null), share);
            res.header(HELICONE_ID, requestId);
            try {
                forward(req, res, target, ex);
            } finally {
                if (ex.status == 0) {
                    // Something failed before the upstream answered and before an error was sent.
                    ex.status = 502;
                    ex.outcome = Outcome.UPSTREAM_FAILED;
                }
                ex.endedAt = clock.millis();
                metrics.gatewayExchange(ex.outcome.wireName());
                handedOver = true;
                logs.submit(ex.orgId, ex.toLog(), share);
            }
        } finally {
            if (!handedOver) {
                share.close();
            }
        }
    }

    /**
     * The request body, its share of the ingest budget taken before it is read when its length is
     * declared (503 when the server is full); a body sent without a length is counted once read.
     */
    private static byte[] readBody(ServerRequest req, IngestBudget.Reservation share) {
        long declared = JsonBodies.declaredLength(req, MAX_REQUEST_BYTES, TOO_LARGE);
        if (declared > 0) {
            share.addBody(declared);
        }
        byte[] body = JsonBodies.readAtMost(req, MAX_REQUEST_BYTES, declared);
        if (body.length > MAX_REQUEST_BYTES) {
            throw ApiException.tooLarge(TOO_LARGE);
        }
        if (declared < 0) {
            share.addBody(body.length);
        }
        return body;
    }

    private void forward(ServerRequest req, ServerResponse res, Target target, Exchange ex) {
        Set<String> connectionTokens = ProxyHeaders.connectionTokens(req.headers().all(HeaderNames.CONNECTION, List::of));
        Request request = target.upstream().client().newRequest(target.uri())
                .method(req.prologue().method().text())
                .idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.remove(org.eclipse.jetty.http.HttpHeader.ACCEPT_ENCODING); // only the caller's own, if any
                    for (Header header : req.headers()) {
                        if (ProxyHeaders.forwardsRequestHeader(header.name(), connectionTokens)) {
                            for (String value : header.allValues()) {
                                h.add(header.name(), value);
                            }
                        }
                    }
                });
        if (ex.requestBody.length > 0) {
            request.body(new BytesRequestContent(ex.requestContentType, ex.requestBody));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);

        Response response;
        try {
            // The idle timeout fires first; this bound only guards against a listener that never completes.
            response = listener.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            gatewayError(res, ex, 502, Outcome.UPSTREAM_FAILED, "Upstream request interrupted");
            return;
        } catch (TimeoutException e) {
            request.abort(e);
            timedOut(res, ex);
            return;
        } catch (ExecutionException e) {
            upstreamFailed(res, ex, e.getCause() == null ? e : e.getCause());
            return;
        } catch (RuntimeException e) {
            request.abort(e);
            upstreamFailed(res, ex, e);
            return;
        }

        ex.status = response.getStatus();
        ex.responseContentType = response.getHeaders().get("Content-Type");
        ex.responseContentEncoding = response.getHeaders().get("Content-Encoding");
        res.status(Status.create(response.getStatus()));
        copyResponseHeaders(response, res);

        try (InputStream in = listener.getInputStream()) {
            relay(in, res, request, ex);
        } catch (IOException e) {
            // closing the upstream stream: nothing left to do
        }
    }

    /** Passes the upstream body on as it arrives: each piece is flushed once nothing more is waiting. */
    private void relay(InputStream in, ServerResponse res, Request request, Exchange ex) {
        OutputStream out = res.outputStream();
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                ex.outcome = isTimeout(e) ? Outcome.UPSTREAM_TIMEOUT : Outcome.UPSTREAM_FAILED;
                LOG.debug("Upstream broke off mid-response", e);
                // Headers are gone: the only honest signal left is to cut the connection short.
                throw new CloseConnectionException("Upstream broke off mid-response", e);
            }
            if (n < 0) {
                break;
            }
            if (ex.firstByteAt == null) {
                ex.firstByteAt = clock.millis();
            }
            ex.capture(buffer, n);
            try {
                out.write(buffer, 0, n);
                if (available(in) == 0) {
                    out.flush();
                }
            } catch (RuntimeException | IOException e) {
                ex.outcome = Outcome.CANCELLED;
                request.abort(new IOException("The caller disconnected"));
                return;
            }
        }
        try {
            out.close();
        } catch (RuntimeException | IOException e) {
            ex.outcome = Outcome.CANCELLED;
        }
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void copyResponseHeaders(Response response, ServerResponse res) {
        Set<String> connectionTokens = ProxyHeaders.connectionTokens(response.getHeaders().getValuesList("Connection"));
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (HttpField field : response.getHeaders()) {
            if (ProxyHeaders.forwardsResponseHeader(field.getName(), connectionTokens)) {
                grouped.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
            }
        }
        grouped.forEach((name, values) -> res.header(HeaderNames.create(name), values.toArray(String[]::new)));
    }

    private void upstreamFailed(ServerResponse res, Exchange ex, Throwable cause) {
        Optional<String> refused = refusedByGuard(cause);
        if (refused.isPresent()) {
            // The target's name resolved elsewhere at connect time than when it was checked: nothing was sent.
            gatewayError(res, ex, 400, Outcome.UPSTREAM_UNREACHABLE, GenericRoute.REFUSED + refused.get());
        } else if (isTimeout(cause)) {
            timedOut(res, ex);
        } else if (unreachable(cause)) {
            gatewayError(res, ex, 502, Outcome.UPSTREAM_UNREACHABLE, "Upstream unreachable: " + describe(cause));
        } else {
            gatewayError(res, ex, 502, Outcome.UPSTREAM_FAILED, "Upstream failed: " + describe(cause));
        }
    }

    private void timedOut(ServerResponse res, Exchange ex) {
        gatewayError(res, ex, 504, Outcome.UPSTREAM_TIMEOUT,
                "Upstream timed out: nothing received for " + human(timeout));
    }

    private static void gatewayError(ServerResponse res, Exchange ex, int status, Outcome outcome, String message) {
        ex.status = status;
        ex.outcome = outcome;
        ex.responseContentType = "application/json";
        ex.responseContentEncoding = null;
        ex.capture(Envelope.body(com.fasterxml.jackson.databind.node.NullNode.instance, message));
        Envelope.error(res, status, message);
    }

    private static Optional<String> refusedByGuard(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DestinationGuard.RefusedDestinationException refused) {
                return Optional.of(refused.getMessage());
            }
        }
        return Optional.empty();
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException || t instanceof SSLException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed";
            }
        }
        if (e instanceof org.eclipse.jetty.io.EofException || e instanceof java.io.EOFException) {
            return "the connection closed before a response";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? (s / 60) + " min" : s + " s";
    }

    /** Stops taking logs and writes those still waiting (up to 10 s). */
    @Override
    public void close() {
        logs.close();
    }

    /** What one exchange came to, gathered as it passes. */
    private static final class Exchange {
        final String orgId;
        final LogIdentity identity;
        final String provider;
        final boolean omitRequest;
        final boolean omitResponse;
        final String upstreamUrl;
        final long startedAt;
        final byte[] requestBody;
        final String requestContentType;
        final String requestContentEncoding;
        Long firstByteAt;
        long endedAt;
        int status;
        String responseContentType;
        String responseContentEncoding;
        Outcome outcome = Outcome.COMPLETED;
        private java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        /** The exchange's share of the ingest budget: what it captures is counted there too. */
        private final IngestBudget.Reservation share;

        Exchange(String orgId, LogIdentity identity, String provider, Map<String, String> heliconeHeaders,
                String upstreamUrl, long startedAt, byte[] requestBody, String requestContentType,
                String requestContentEncoding, IngestBudget.Reservation share) {
            this.orgId = orgId;
            this.share = share;
            this.identity = identity;
            this.provider = provider;
            this.omitRequest = HeliconeHeaders.isTrue(heliconeHeaders.get(HeliconeHeaders.OMIT_REQUEST));
            this.omitResponse = HeliconeHeaders.isTrue(heliconeHeaders.get(HeliconeHeaders.OMIT_RESPONSE));
            this.upstreamUrl = upstreamUrl;
            this.startedAt = startedAt;
            this.requestBody = requestBody;
            this.requestContentType = requestContentType;
            this.requestContentEncoding = requestContentEncoding;
        }

        void capture(byte[] bytes) {
            capture(bytes, bytes.length);
        }

        void capture(byte[] bytes, int length) {
            if (captured == null) {
                return;
            }
            if (captured.size() + length > MAX_CAPTURED_RESPONSE) {
                captured = null; // too large to log; it still passes
                return;
            }
            // Counted even past the budget: the response is already on its way to the caller.
            share.addBodyAnyway(length);
            captured.write(bytes, 0, length);
        }

        GatewayExchange toLog() {
            return new GatewayExchange(identity, provider, omitRequest, omitResponse, upstreamUrl, startedAt, endedAt, firstByteAt,
                    requestBody, requestContentType, requestContentEncoding, status,
                    captured == null ? null : captured.toByteArray(), responseContentType, responseContentEncoding, outcome);
        }
    }
}
