package io.heliograph.http;

import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads UUID ids from paths. A malformed id is simply not found: the API never says more. */
public final class PathIds {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private PathIds() {
    }

    /** Whether {@code text} is a UUID in its 8-4-4-4-12 hex form (either case). */
    public static boolean isUuid(String text) {
        return UUID.matcher(text).matches();
    }

    /** The canonical (lower-case) UUID in path parameter {@code name}, or a 404 with {@code notFoundMessage}. */
    public static String uuid(ServerRequest req, String name, String notFoundMessage) {
        String raw = req.path().pathParameters().first(name).orElse("");
        if (!UUID.matcher(raw).matches()) {
            throw ApiException.notFound(notFoundMessage);
        }
        return raw.toLowerCase(Locale.ROOT);
    }
}
