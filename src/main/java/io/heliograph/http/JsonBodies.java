package io.heliograph.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import io.heliograph.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Reads a request's JSON body with the API's limits: a size cap (413), a content-type check (415)
 * and a parse check (400). Every route that takes a body goes through here.
 */
public final class JsonBodies {
    public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final String INVALID_JSON = "Invalid JSON body";
    public static final String TOO_LARGE = "Request body too large (limit 10 MiB)";
    public static final String WRONG_CONTENT_TYPE = "Content-Type must be application/json";
    public static final String UNREADABLE_BODY = "Could not read the request body";
    private static final int PIECE = 64 * 1024;
    /**
     * A body that declares at most this many bytes is read into an array of exactly its size, instead
     * of through {@link InputStream#readNBytes(int)}'s 16 KiB pieces and a copy (a fifth of what the
     * ingest path allocated). A larger declared length is not trusted with an array up front: the
     * client might never send it.
     */
    static final int EXACT_READ_MAX = 64 * 1024;

    private JsonBodies() {
    }

    /** The parsed body; an empty body is {@link #INVALID_JSON}. */
    public static JsonNode read(ServerRequest req) {
        requireJsonContentType(req);
        return Json.parse(readBytes(req), INVALID_JSON);
    }

    /** The parsed body, or empty when the request has none (for routes whose body is optional). */
    public static Optional<JsonNode> readOptional(ServerRequest req) {
        byte[] bytes = readBytes(req);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        requireJsonContentType(req);
        return Optional.of(Json.parse(bytes, INVALID_JSON));
    }

    /**
     * A missing Content-Type is accepted (many hand-written clients omit it); a present one must be
     * JSON, so a form post or plain text gets a clear 415 instead of a confusing parse error.
     */
    public static void requireJsonContentType(ServerRequest req) {
        Optional<String> contentType = req.headers().first(HeaderNames.CONTENT_TYPE);
        if (contentType.isEmpty()) {
            return;
        }
        String mediaType = contentType.get().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!(mediaType.equals("application/json") || mediaType.endsWith("+json"))) {
            throw ApiException.unsupportedMediaType(WRONG_CONTENT_TYPE);
        }
    }

    /** The raw body, at most {@link #MAX_BODY_BYTES}; larger is a 413, found before reading it all. */
    public static byte[] readBytes(ServerRequest req) {
        return readBytes(req, bytes -> { });
    }

    /**
     * As {@link #readBytes(ServerRequest)}, telling {@code admit} how many bytes are coming before they
     * are held: the declared length at once, or, for a body sent without one, each piece as it arrives.
     * {@code admit} refuses by throwing (a 503 when the server is full), and the body is not read on.
     */
    public static byte[] readBytes(ServerRequest req, LongConsumer admit) {
        long declared = declaredLength(req, MAX_BODY_BYTES, TOO_LARGE);
        if (declared >= 0) {
            admit.accept(declared);
            byte[] bytes = readAtMost(req, (int) MAX_BODY_BYTES, declared);
            if (bytes.length > MAX_BODY_BYTES) {
                throw ApiException.tooLarge(TOO_LARGE);
            }
            return bytes;
        }
        admit.accept(0);
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] piece = new byte[PIECE];
        try (InputStream in = req.content().inputStream()) {
            int n;
            while ((n = in.readNBytes(piece, 0, piece.length)) > 0) {
                if (body.size() + (long) n > MAX_BODY_BYTES) {
                    throw ApiException.tooLarge(TOO_LARGE);
                }
                admit.accept(n);
                body.write(piece, 0, n);
            }
        } catch (IOException | DataReader.InsufficientDataAvailableException | IllegalArgumentException e) {
            throw ApiException.badRequest(UNREADABLE_BODY);
        }
        return body.toByteArray();
    }

    /**
     * The declared Content-Length, or -1 when there is none; over {@code limit} is a 413 with
     * {@code tooLargeMessage}, a value that is not a number a 400.
     */
    public static long declaredLength(ServerRequest req, long limit, String tooLargeMessage) {
        Optional<String> declared = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (declared.isEmpty()) {
            return -1;
        }
        long length;
        try {
            length = Long.parseLong(declared.get().trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid Content-Length");
        }
        if (length > limit) {
            throw ApiException.tooLarge(tooLargeMessage);
        }
        return Math.max(0, length);
    }

    /**
     * The body, but no more than {@code limit + 1} bytes of it (so that the caller can tell "over the
     * limit"). A body whose framing the client broke — it stopped before its Content-Length or its last
     * chunk, or sent a chunk size that is not hex — is a 400: Helidon reports those while the entity is
     * read, as unchecked exceptions of its own, which would otherwise be answered as a 500.
     * {@code declared} is the request's Content-Length (-1: none): a small declared body is read into
     * an array of its size.
     */
    public static byte[] readAtMost(ServerRequest req, int limit, long declared) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            if (declared > 0 && declared <= Math.min(limit, EXACT_READ_MAX)) {
                return readDeclared(in, (int) declared, limit);
            }
            return in.readNBytes(limit + 1);
        } catch (IOException | DataReader.InsufficientDataAvailableException | IllegalArgumentException e) {
            throw ApiException.badRequest(UNREADABLE_BODY);
        }
    }

    /**
     * The declared bytes, then whatever follows them up to {@code limit + 1} in all (none, under
     * Content-Length framing); a body that ends early is answered as it came, as before.
     */
    static byte[] readDeclared(InputStream in, int declared, int limit) throws IOException {
        byte[] bytes = new byte[declared];
        int n = in.readNBytes(bytes, 0, declared);
        if (n < declared) {
            return Arrays.copyOf(bytes, n);
        }
        int next = in.read();
        if (next < 0) {
            return bytes;
        }
        byte[] rest = in.readNBytes(limit - declared);
        byte[] all = Arrays.copyOf(bytes, declared + 1 + rest.length);
        all[declared] = (byte) next;
        System.arraycopy(rest, 0, all, declared + 1, rest.length);
        return all;
    }
}
