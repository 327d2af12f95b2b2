package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.Headers;
import io.heliograph.api.ApiException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Helicone's request headers ({@code Helicone-Property-*}, {@code Helicone-User-Id},
 * {@code Helicone-Request-Id}, {@code Helicone-Omit-Request}, {@code Helicone-Omit-Response}), which
 * clients send either as HTTP headers of the log call (Helicone's Node logger does) or inside
 * {@code providerRequest.meta}. Both count; meta wins on the same name.
 */
public final class HeliconeHeaders {
    static final String PROPERTY_PREFIX = "helicone-property-";
    static final String USER_ID = "helicone-user-id";
    static final String REQUEST_ID = "helicone-request-id";
    public static final String OMIT_REQUEST = "helicone-omit-request";
    public static final String OMIT_RESPONSE = "helicone-omit-response";

    private HeliconeHeaders() {
    }

    /** The Helicone headers among HTTP headers, by lower-cased name. */
    public static Map<String, String> of(Headers headers) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Header header : headers) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (name.startsWith("helicone-")) {
                found.put(name, header.get());
            }
        }
        return found;
    }

    /** The Helicone headers listed in a {@code meta} object (non-Helicone entries are ignored). */
    static Map<String, String> ofMeta(JsonNode meta) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("helicone-") || entry.getValue().isNull()) {
                continue;
            }
            if (!entry.getValue().isTextual()) {
                throw ApiException.badRequest("providerRequest.meta values must be strings");
            }
            found.put(name, entry.getValue().textValue());
        }
        return found;
    }

    /** HTTP headers first, then meta over them. */
    static Map<String, String> merged(Map<String, String> httpHeaders, Map<String, String> meta) {
        Map<String, String> merged = new LinkedHashMap<>(httpHeaders);
        merged.putAll(meta);
        return merged;
    }

    /**
     * The input without the bodies that {@code Helicone-Omit-Request: true} /
     * {@code Helicone-Omit-Response: true} ask not to keep (the value compared as the gateway does:
     * trimmed, case-insensitive).
     */
    static LogInput honourOmissions(Map<String, String> headers, LogInput in) {
        return in.withoutBodies(isTrue(headers.get(OMIT_REQUEST)), isTrue(headers.get(OMIT_RESPONSE)));
    }

    /** An omit header's value asks to omit: {@code true} in any case, spaces around ignored. The gateway reads it the same way. */
    public static boolean isTrue(String value) {
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    /** The identity the merged headers give a request: HTTP headers first, then meta over them. */
    public static LogIdentity identity(Map<String, String> httpHeaders, Map<String, String> meta) {
        Map<String, String> merged = merged(httpHeaders, meta);
        Map<String, String> properties = new LinkedHashMap<>();
        merged.forEach((name, value) -> {
            if (name.startsWith(PROPERTY_PREFIX) && name.length() > PROPERTY_PREFIX.length()) {
                properties.put(name.substring(PROPERTY_PREFIX.length()), value);
            }
        });
        return LogIdentity.of(merged.get(REQUEST_ID), "Helicone-Request-Id", merged.get(USER_ID), "Helicone-User-Id",
                properties);
    }
}
