package io.heliograph.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Once shutdown begins, requests are told to come back (503, {@code Retry-After}, the connection
 * closed) instead of reaching parts that are closing and failing with a 500. {@code /healthz} still
 * answers; {@code /readyz} says it is shutting down.
 */
public final class ShutdownGate implements Filter {
    public static final String SHUTTING_DOWN = "The server is shutting down; retry shortly";
    static final String RETRY_AFTER_SECONDS = "1";

    private volatile boolean closing;

    public void close() {
        closing = true;
    }

    public boolean closing() {
        return closing;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!closing || path.equals("/healthz") || path.equals("/readyz")) {
            chain.proceed();
            return;
        }
        refuse(res);
    }

    static void refuse(io.helidon.webserver.http.ServerResponse res) {
        res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        res.header(HeaderNames.CONNECTION, "close");
        Envelope.error(res, 503, SHUTTING_DOWN);
    }
}
