package io.heliograph.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
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
    /** Made once: every response on the ingest path carries them, so nothing is built per request. */
    private static final Header[] HEADERS = {
        HeaderValues.create(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY),
        HeaderValues.create(HeaderNames.create("X-Frame-Options"), "DENY"),
        HeaderValues.create(HeaderNames.create("Referrer-Policy"), "no-referrer"),
        HeaderValues.create(HeaderNames.create("X-Content-Type-Options"), "nosniff"),
    };

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        for (Header h : HEADERS) {
            res.header(h);
        }
        chain.proceed();
    }
}
