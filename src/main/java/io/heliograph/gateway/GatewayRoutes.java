package io.heliograph.gateway;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.api.ApiException;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.Caller;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.RateLimiter;
import io.heliograph.http.RateLimits;
import io.heliograph.ingest.GatewayExchange;
import io.heliograph.ingest.HeliconeHeaders;
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
import java.util.Locale;
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
 * The gateway: {@code /oai/v1/*} (all but the log route {@code /oai/v1/log}) goes to the OpenAI
 * base URL and back, byte for byte, streams chunk by chunk. The caller authenticates with
 * {@code Helicone-Auth: Bearer <api key>}; its {@code Authorization} goes upstream untouched and is
 * never stored. Each exchange becomes a log once it has ended, written off the caller's path.
 *
 * <p>The gateway's own failures answer in the API's envelope, which no OpenAI error looks like:
 * 401 for a bad Helicone key, 400 for a bad Helicone header, 413 for a body over 32 MiB, 502 when the
 * upstream cannot be reached, 504 when it says nothing for the gateway timeout.
 */
public final class GatewayRoutes implements HttpService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
    public static final String PREFIX = "/oai";
    static final String LOG_ROUTE = "/oai/v1/log";
    static final HeaderName HELICONE_AUTH = HeaderNames.create("Helicone-Auth");
    static final HeaderName HELICONE_ID = HeaderNames.create("Helicone-Id");
    static final String OMIT_REQUEST = "helicone-omit-request";
    static final String OMIT_RESPONSE = "helicone-omit-response";
    /** The largest request body the gateway forwards: requests carry images as base64. */
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    static final String TOO_LARGE = "Request body too large (limit 32 MiB)";
    /** How much of a response the gateway keeps for the log; beyond it the body still passes, unlogged. */
    static final int MAX_CAPTURED_RESPONSE = 16 * 1024 * 1024;
    private static final int BUFFER = 16 * 1024;

    private final ApiKeyStore keys;
    private final Optional<RateLimiter> limiter;
    private final Upstream upstream;
    private final GatewayLogWriter logs;
    private final Metrics metrics;
    private final Clock clock;

    public GatewayRoutes(ApiKeyStore keys, URI baseUrl, Duration timeout, io.heliograph.ingest.IngestService ingest,
            Optional<RateLimiter> limiter, Metrics metrics, Clock clock) {
        this.keys = keys;
        this.limiter = limiter;
        this.upstream = new Upstream(baseUrl, timeout);
        this.metrics = metrics;
        this.logs = new GatewayLogWriter(ingest, metrics::gatewayLogLost);
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(PREFIX + "/v1/*", this::proxy);
    }

    private void proxy(ServerRequest req, ServerResponse res) {
        long startedAt = clock.millis();
        String rawPath = req.path().rawPath();
        if (rawPath.equals(LOG_ROUTE) || rawPath.startsWith(LOG_ROUTE + "/")) {
            throw ApiException.notFound("Not found");
        }
        Caller caller = AuthFilter.bearerToken(req.headers().first(HELICONE_AUTH)).flatMap(keys::authenticate)
                .orElseThrow(ApiException::unauthorized);
        if (!RateLimits.admit(limiter, caller.apiKeyId(), res)) {
            return;
        }
        Map<String, String> heliconeHeaders = HeliconeHeaders.of(req.headers());
        LogIdentity identity = HeliconeHeaders.identity(heliconeHeaders, Map.of());
        String requestId = identity.requestId().orElseGet(() -> UUID.randomUUID().toString());
        identity = new LogIdentity(Optional.of(requestId), identity.userId(), identity.properties());
        byte[] body = readBody(req);
        URI target;
        try {
            target = upstream.target(rawPath.substring(PREFIX.length()), req.query().rawValue());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid request path");
        }

        Exchange ex = new Exchange(caller.orgId(), identity, heliconeHeaders, target.toString(), startedAt, body,
                req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null),
                req.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null));
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
            logs.submit(ex.orgId, ex.toLog());
        }
    }

    private static byte[] readBody(ServerRequest req) {
        byte[] body = JsonBodies.readAtMost(req, MAX_REQUEST_BYTES);
        if (body.length > MAX_REQUEST_BYTES) {
            throw ApiException.tooLarge(TOO_LARGE);
        }
        return body;
    }

    private void forward(ServerRequest req, ServerResponse res, URI target, Exchange ex) {
        Set<String> connectionTokens = ProxyHeaders.connectionTokens(req.headers().all(HeaderNames.CONNECTION, List::of));
        Request request = upstream.client().newRequest(target)
                .method(req.prologue().method().text())
                .idleTimeout(upstream.timeout().toMillis(), TimeUnit.MILLISECONDS)
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
            response = listener.get(upstream.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
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
        if (isTimeout(cause)) {
            timedOut(res, ex);
        } else if (unreachable(cause)) {
            gatewayError(res, ex, 502, Outcome.UPSTREAM_UNREACHABLE, "Upstream unreachable: " + describe(cause));
        } else {
            gatewayError(res, ex, 502, Outcome.UPSTREAM_FAILED, "Upstream failed: " + describe(cause));
        }
    }

    private void timedOut(ServerResponse res, Exchange ex) {
        gatewayError(res, ex, 504, Outcome.UPSTREAM_TIMEOUT,
                "Upstream timed out: nothing received for " + human(upstream.timeout()));
    }

    private static void gatewayError(ServerResponse res, Exchange ex, int status, Outcome outcome, String message) {
        ex.status = status;
        ex.outcome = outcome;
        ex.responseContentType = "application/json";
        ex.responseContentEncoding = null;
        ex.capture(Envelope.body(com.fasterxml.jackson.databind.node.NullNode.instance, message));
        Envelope.error(res, status, message);
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

    /** Stops taking logs and writes those still waiting (up to 10 s), then closes the upstream client. */
    @Override
    public void close() {
        logs.close();
        upstream.close();
    }

    /** What one exchange came to, gathered as it passes. */
    private static final class Exchange {
        final String orgId;
        final LogIdentity identity;
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

        Exchange(String orgId, LogIdentity identity, Map<String, String> heliconeHeaders, String upstreamUrl,
                long startedAt, byte[] requestBody, String requestContentType, String requestContentEncoding) {
            this.orgId = orgId;
            this.identity = identity;
            this.omitRequest = isTrue(heliconeHeaders.get(OMIT_REQUEST));
            this.omitResponse = isTrue(heliconeHeaders.get(OMIT_RESPONSE));
            this.upstreamUrl = upstreamUrl;
            this.startedAt = startedAt;
            this.requestBody = requestBody;
            this.requestContentType = requestContentType;
            this.requestContentEncoding = requestContentEncoding;
        }

        private static boolean isTrue(String value) {
            return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
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
            captured.write(bytes, 0, length);
        }

        GatewayExchange toLog() {
            return new GatewayExchange(identity, omitRequest, omitResponse, upstreamUrl, startedAt, endedAt, firstByteAt,
                    requestBody, requestContentType, requestContentEncoding, status,
                    captured == null ? null : captured.toByteArray(), responseContentType, responseContentEncoding, outcome);
        }
    }
}
