package io.heliograph.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * {@code limit} and {@code cursor} of a paginated list. The cursor is opaque to callers: it encodes
 * the sort key of the last item served, so pages stay stable while new items arrive.
 */
public record PageRequest(int limit, Optional<Position> after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    static final String BAD_LIMIT = "limit must be an integer between 1 and " + MAX_LIMIT;
    static final String BAD_CURSOR = "Invalid cursor";

    /** Where a page ends: a time and an id, newest first. */
    public record Position(long time, String id) {
        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((time + ":" + id).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** From the query's {@code limit} and {@code cursor} (each null when absent); a 400 when either is malformed. */
    public static PageRequest parse(String limit, String cursor) {
        return new PageRequest(limit == null ? DEFAULT_LIMIT : limit(limit),
                cursor == null || cursor.isEmpty() ? Optional.empty() : Optional.of(decode(cursor)));
    }

    private static int limit(String raw) {
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ApiException.badRequest(BAD_LIMIT);
    }

    private static Position decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            // Cursors we write hold an id; a NUL (which PostgreSQL refuses as a parameter) is damage.
            if (colon > 0 && colon < text.length() - 1 && text.indexOf('\0') < 0) {
                return new Position(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException too: any undecodable cursor is the same mistake
        }
        throw ApiException.badRequest(BAD_CURSOR);
    }
}
