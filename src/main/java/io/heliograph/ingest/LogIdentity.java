package io.heliograph.ingest;

import io.heliograph.api.ApiException;
import io.heliograph.http.PathIds;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a caller says about a request beyond its bodies: its id, its user and its properties. Made
 * only through {@link #of}, which holds every route to the same limits and messages.
 *
 * @param requestId  the caller's id for the request (canonical lower-case UUID), if it gave one
 * @param properties lower-cased keys (they arrive as HTTP headers), exact values
 */
public record LogIdentity(Optional<String> requestId, String userId, Map<String, String> properties) {
    public static final int MAX_PROPERTIES = 100;
    public static final int MAX_PROPERTY_KEY_LENGTH = 128;
    public static final int MAX_PROPERTY_VALUE_LENGTH = 512;
    public static final int MAX_USER_ID_LENGTH = 256;
    static final String TOO_MANY_PROPERTIES = "At most " + MAX_PROPERTIES + " properties per request";
    static final String PROPERTY_TOO_LONG = "Property names must be at most " + MAX_PROPERTY_KEY_LENGTH
            + " characters and values at most " + MAX_PROPERTY_VALUE_LENGTH;

    public LogIdentity {
        properties = Map.copyOf(properties);
    }

    /**
     * Checks and normalises what the caller sent; {@code requestIdName} and {@code userIdName} are the
     * names the caller used, so the error message points at the right field or header.
     */
    public static LogIdentity of(String requestId, String requestIdName, String userId, String userIdName,
            Map<String, String> rawProperties) {
        Optional<String> id = Optional.ofNullable(requestId).map(String::trim).map(raw -> {
            if (!PathIds.isUuid(raw)) {
                throw ApiException.badRequest(requestIdName + " must be a UUID");
            }
            return raw.toLowerCase(Locale.ROOT);
        });
        String user = userId == null || userId.isEmpty() ? null : StorableText.require(userId, userIdName);
        if (user != null && user.length() > MAX_USER_ID_LENGTH) {
            throw ApiException.badRequest(userIdName + " must be at most " + MAX_USER_ID_LENGTH + " characters");
        }
        if (rawProperties.size() > MAX_PROPERTIES) {
            throw ApiException.badRequest(TOO_MANY_PROPERTIES);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        rawProperties.forEach((key, value) -> {
            String k = StorableText.require(key, "Property names").toLowerCase(Locale.ROOT);
            StorableText.require(value, "Property values");
            if (k.isEmpty() || k.length() > MAX_PROPERTY_KEY_LENGTH || value.length() > MAX_PROPERTY_VALUE_LENGTH) {
                throw ApiException.badRequest(PROPERTY_TOO_LONG);
            }
            properties.put(k, value);
        });
        return new LogIdentity(id, user, properties);
    }
}
