package io.heliograph.http;

import com.fasterxml.jackson.databind.node.NullNode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.api.ApiException;
import java.io.UncheckedIOException;
import org.jdbi.v3.core.JdbiException;
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
    public static final String STORE_UNAVAILABLE = "The store is not accepting requests right now; retry shortly";
    public static final String STORE_FULL = "The store is out of disk space and cannot accept writes; nothing was stored, retry later";

    /** SQLite's SQLITE_FULL (13), PostgreSQL's disk_full (53100), or the OS saying so. */
    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && ("53100".equals(sql.getSQLState())
                    || sql.getErrorCode() == 13 && t.getClass().getName().startsWith("org.sqlite"))) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("SQLITE_FULL") || message.contains("No space left on device"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private ErrorMapping() {
    }

    public static void install(HttpRouting.Builder routing) {
        install(routing, new ShutdownGate());
    }

    /** As {@link #install(HttpRouting.Builder)}; what fails while {@code gate} is closing answers 503 with Retry-After. */
    public static void install(HttpRouting.Builder routing, ShutdownGate gate) {
        routing.error(ApiException.class, (req, res, e) -> send(res, e));
        // Helidon's own refusals (malformed query strings, bad headers) carry a fitting 4xx.
        routing.error(HttpException.class, (req, res, e) -> {
            int status = e.status().code();
            if (status >= 500) {
                LOG.error("Request {} failed", forLog(req), e);
                Envelope.error(res, 500, INTERNAL_ERROR);
            } else {
                Envelope.error(res, status, e.status().reasonPhrase());
            }
        });
        routing.error(UncheckedIOException.class, (req, res, e) ->
                Envelope.error(res, 400, JsonBodies.UNREADABLE_BODY));
        // The store refused or could not be reached (disk full, database down): say so, never pretend.
        routing.error(JdbiException.class, (req, res, e) -> {
            boolean full = isDiskFull(e);
            if (full) {
                LOG.error("Store failure on {}: the disk is full", forLog(req));
            } else {
                LOG.error("Store failure on {}", forLog(req), e);
            }
            res.header(HeaderNames.RETRY_AFTER, full ? "5" : "1");
            Envelope.error(res, 503, full ? STORE_FULL : STORE_UNAVAILABLE);
        });
        routing.error(Throwable.class, (req, res, e) -> {
            if (gate.closing()) {
                // A part closed under a request still in flight: the request may be sent again.
                LOG.debug("Request {} failed during shutdown: {}", forLog(req), e.toString());
                ShutdownGate.refuse(res);
                return;
            }
            LOG.error("Request {} failed", forLog(req), e);
            Envelope.error(res, 500, INTERNAL_ERROR);
        });
    }

    /**
     * Answers for requests Helidon refuses before any route runs (unparseable request lines, bad
     * percent-encoding, bodies over the server's own cap): the same envelope, never a bare page.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler envelope = (request, event, given, headers, message) -> {
            // Helidon refuses a Transfer-Encoding other than chunked with a 501, yet files it as a bad
            // request: it is the client's framing, not a failure of ours, so it is answered as one.
            Status status = event == DirectHandler.EventType.BAD_REQUEST && given.code() >= 500 ? Status.BAD_REQUEST_400 : given;
            int code = status.code();
            String text = code == 413 ? JsonBodies.TOO_LARGE : code >= 500 ? INTERNAL_ERROR : status.reasonPhrase();
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .entity(Envelope.body(NullNode.instance, text))
                    .build();
        };
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            handlers.addHandler(event, envelope);
        }
        return handlers.build();
    }

    /**
     * Method and path as they came on the wire, still percent-encoded: a decoded {@code %0A} would
     * start a forged log line. Any control character left is escaped as well.
     */
    static String forLog(io.helidon.webserver.http.ServerRequest req) {
        String line = req.prologue().method().text() + " " + req.path().rawPath();
        StringBuilder out = new StringBuilder(line.length());
        for (char c : line.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void send(ServerResponse res, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            res.header(HeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        Envelope.error(res, e.status(), e.getMessage());
    }
}
