package io.heliograph.delivery;

import io.heliograph.destination.Destination;
import io.heliograph.destination.DestinationGuard;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Sends one webhook request and reports what happened. Every connection is opened through the
 * destination guard (Jetty's resolver hook), to exactly the addresses it approved, so a name that
 * re-resolves to a private address between check and connect (DNS rebinding) cannot get through.
 * Redirects are not followed; no proxy is used.
 */
public final class Sender implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(15);
    /** At most this much of an answer is read; the rest is cut off. */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    /** This much of an answer is kept with the attempt. */
    static final int KEPT_RESPONSE_BYTES = 4096;

    /**
     * What one request came to. {@code statusCode} is null when no answer arrived; {@code sent} says
     * whether the request was put on the network at all (false when it was refused or could not be
     * built before any connection was tried).
     */
    public record Result(Integer statusCode, long latencyMs, String error, String responseBody, Optional<Duration> retryAfter,
            boolean sent) {
        public boolean succeeded() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        /** No request went out: the destination was refused or unusable, or the attempt failed before sending. */
        public static Result notSent(String reason, long latencyMs) {
            return new Result(null, latencyMs, reason, null, Optional.empty(), false);
        }

        static Result noAnswer(String reason, long latencyMs) {
            return new Result(null, latencyMs, reason, null, Optional.empty(), true);
        }
    }

    private final HttpClient client;
    private final DestinationGuard guard;
    private final Map<String, Target> targets = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;

    public Sender(DestinationGuard guard, String userAgent, int maxConnectionsPerOrigin, Clock clock) {
        this.guard = guard;
        this.clock = clock;
        this.client = new HttpClient();
        // Jetty's own work — its selector, reading and parsing answers — on virtual threads rather than
        // its default pool of platform threads, which woke a pooled (or reserved) thread through the
        // kernel for every answer. End to end on SQLite, Jetty's threads took 55-83 us of CPU per
        // delivery, on virtual threads 22-23, and the server 525-650 us per log against 471-498
        // (docs/benchmarks.md, issue 17).
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("delivery-client");
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        // No cookies: one client sends every org's webhooks, and a cookie one receiver set must not go
        // with another org's deliveries to the same host.
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setIdleTimeout(60_000);
        // Per-webhook caps bind first: many webhooks may share one host.
        client.setMaxConnectionsPerDestination(maxConnectionsPerOrigin);
        client.setMaxRequestsQueuedPerDestination(1_000_000);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        client.setSocketAddressResolver((host, port, context, promise) -> {
            try {
                promise.succeeded(guard.socketAddressesForSend(host, port));
            } catch (RuntimeException e) {
                promise.failed(e);
            }
        });
        try {
            client.start();
            // Installed at start. An answer is recorded as the receiver gave it: without these, a 401
            // without a challenge (a receiver refusing a signature) failed as a client-side "protocol
            // violation", and a challenged 401 or 407 with more than 16 KiB of body lost its body; no
            // credentials are ever sent and no redirect followed, so they have nothing to do. The
            // interim-answer handlers (100, 102, 103) stay: an interim answer is not the answer.
            client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
            client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
            client.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the HTTP client", e);
        }
    }

    /**
     * Sends and reports; never throws. Whatever goes wrong — a destination the guard refuses, one the
     * HTTP client cannot use (a stored URL from before a validation rule existed), any exception — is
     * a result with its reason, so every attempt is recorded.
     */
    public Result send(String url, Map<String, String> headers, byte[] body) {
        long start = System.nanoTime();
        try {
            return exchange(url, headers, body, start);
        } catch (RuntimeException e) {
            return Result.notSent("Could not send: " + describe(e), millisSince(start));
        }
    }

    /**
     * A destination as sent to: parsed and turned into the URI the client takes, and the Host header
     * the client would write for it, once per URL. Sending Host ourselves spares the client building
     * and parsing a URI for every request to write it (a tenth of an attempt's send in JFR).
     */
    private record Target(Destination destination, URI uri, HttpField host) {
    }

    private Target target(String url) {
        Target t = targets.get(url);
        if (t == null) {
            if (targets.size() > 100_000) {
                targets.clear(); // webhooks come and go; this only saves parsing
            }
            Destination d = Destination.parse(url);
            URI uri = target(url, d);
            t = new Target(d, uri, new HttpField(HttpHeader.HOST, client.newRequest(uri).getURI().getAuthority()));
            targets.put(url, t);
        }
        return t;
    }

    private Result exchange(String url, Map<String, String> headers, byte[] body, long start) {
        Target t;
        try {
            t = target(url);
            guard.resolveForSend(t.destination()); // every send: a name may resolve elsewhere now
        } catch (DestinationGuard.RefusedDestinationException e) {
            return Result.notSent(e.getMessage(), 0);
        } catch (IllegalArgumentException e) {
            return Result.notSent(DestinationGuard.INVALID_URL, 0);
        }
        Capture capture = new Capture();
        client.newRequest(t.uri())
                .method(HttpMethod.POST)
                .timeout(TOTAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(t.host());
                    headers.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body))
                .send(capture);
        org.eclipse.jetty.client.Result result;
        try {
            result = capture.done.get(TOTAL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Result.noAnswer("Timed out after " + TOTAL_TIMEOUT.toSeconds() + " s", millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.noAnswer("Interrupted", millisSince(start));
        } catch (Exception e) {
            return Result.noAnswer(describe(e), millisSince(start));
        }
        long latency = millisSince(start);
        Response response = result.getResponse();
        boolean answered = capture.status > 0;
        Throwable failure = result.getFailure();
        if (!answered) {
            if (failure != null && refusedByGuard(failure)) {
                return Result.notSent(describe(failure), latency);
            }
            return Result.noAnswer(failure == null ? "No answer" : describe(failure), latency);
        }
        String kept = capture.kept();
        String error = failure == null || failure instanceof BodyTooLarge ? null : describe(failure);
        if (capture.tooLarge) {
            error = "Answer longer than " + MAX_RESPONSE_BYTES + " bytes; cut off";
        }
        return new Result(capture.status, latency, error, kept, retryAfter(response), true);
    }

    private static boolean refusedByGuard(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DestinationGuard.RefusedDestinationException) {
                return true;
            }
        }
        return false;
    }

    /** The URL with the host the guard checked (canonical form), so the resolver hook sees that host. */
    private static URI target(String url, Destination d) {
        URI original = URI.create(url.trim());
        String host = d.host().contains(":") ? "[" + d.host() + "]" : d.host();
        String path = original.getRawPath() == null || original.getRawPath().isEmpty() ? "/" : original.getRawPath();
        String query = original.getRawQuery() == null ? "" : "?" + original.getRawQuery();
        return URI.create(d.scheme() + "://" + host + ":" + d.port() + path + query);
    }

    private Optional<Duration> retryAfter(Response response) {
        if (response == null) {
            return Optional.empty();
        }
        int status = response.getStatus();
        if (status != 429 && status != 503) {
            return Optional.empty();
        }
        String value = response.getHeaders().get(HttpHeader.RETRY_AFTER);
        return parseRetryAfter(value, clock);
    }

    /** {@code Retry-After}: delay seconds or an HTTP date. */
    static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, 10L * 365 * 86400)));
        } catch (NumberFormatException e) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Optional.of(Duration.ofMillis(Math.max(0, at - clock.millis())));
            } catch (RuntimeException unparseable) {
                return Optional.empty();
            }
        }
    }

    private static String describe(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof DestinationGuard.RefusedDestinationException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof DestinationGuard.RefusedDestinationException) {
            return cause.getMessage();
        }
        if (cause instanceof TimeoutException || (cause.getMessage() != null && cause.getMessage().contains("timeout"))) {
            return "Timed out: " + cause.getMessage();
        }
        if (cause instanceof ConnectException) {
            return "Connection refused";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // shutting down anyway
        }
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("answer too large", null);
        }
    }

    /** Keeps the status, the first 4 KiB of the answer, and cuts the answer off past 1 MiB. */
    private static final class Capture implements Response.Listener {
        final CompletableFuture<org.eclipse.jetty.client.Result> done = new CompletableFuture<>();
        /** The answer's first bytes, up to {@link #KEPT_RESPONSE_BYTES}: sized to what came, not to the cap. */
        private byte[] kept = new byte[0];
        private int keptLength;
        volatile int status;
        long read;
        boolean tooLarge;

        @Override
        public void onHeaders(Response response) {
            status = response.getStatus();
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            read += content.remaining();
            int take = Math.min(content.remaining(), KEPT_RESPONSE_BYTES - keptLength);
            if (take > 0) {
                if (keptLength + take > kept.length) {
                    kept = Arrays.copyOf(kept, Math.min(KEPT_RESPONSE_BYTES, Math.max(keptLength + take, kept.length * 2)));
                }
                content.get(content.position(), kept, keptLength, take);
                keptLength += take;
            }
            if (read > MAX_RESPONSE_BYTES && !tooLarge) {
                tooLarge = true;
                response.abort(new BodyTooLarge());
            }
        }

        @Override
        public void onComplete(org.eclipse.jetty.client.Result result) {
            done.complete(result);
        }

        String kept() {
            // PostgreSQL cannot store NUL; a binary answer is kept with it replaced.
            return new String(kept, 0, keptLength, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        }
    }
}
