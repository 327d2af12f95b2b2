package io.heliograph.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers that keep the dashboard's pages safe, on every answer: scripts and styles only from this
 * server (no inline script can run, whatever a log body holds), no framing, no referrer leaving the
 * site, no content-type sniffing. They cost nothing to JSON clients, so the API carries them too.
 */
public final class SecurityHeaders implements Filter {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(CSP, CONTENT_SECURITY_POLICY);
        res.header(FRAME_OPTIONS, "DENY");
        res.header(REFERRER_POLICY, "no-referrer");
        res.header(CONTENT_TYPE_OPTIONS, "nosniff");
        chain.proceed();
    }
}
