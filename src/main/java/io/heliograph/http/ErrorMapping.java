package io.heliograph.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses. Client mistakes ({@link ApiException}) keep their
 * status and message; anything unexpected is logged and answered as a plain 500 without details,
 * so no stack trace or internal message ever reaches a caller.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    public static final String INTERNAL_ERROR = "Internal server error";
    public static final String NOT_FOUND = "Not found";

    private ErrorMapping() {
    }

    public static void install(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> send(res, e));
        // Helidon's own refusals (malformed query strings, bad headers) carry a fitting 4xx.
        routing.error(HttpException.class, (req, res, e) -> {
            int status = e.status().code();
            if (status >= 500) {
                LOG.error("Request {} {} failed", req.prologue().method(), req.path().path(), e);
                Envelope.error(res, 500, INTERNAL_ERROR);
            } else {
                Envelope.error(res, status, e.status().reasonPhrase());
            }
        });
        routing.error(UncheckedIOException.class, (req, res, e) ->
                Envelope.error(res, 400, "Could not read the request body"));
        routing.error(Throwable.class, (req, res, e) -> {
            LOG.error("Request {} {} failed", req.prologue().method(), req.path().path(), e);
            Envelope.error(res, 500, INTERNAL_ERROR);
        });
    }

    private static void send(ServerResponse res, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            res.header(HeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        Envelope.error(res, e.status(), e.getMessage());
    }
}
