package io.heliograph.ingest;

import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import io.heliograph.api.PageRequest;
import io.heliograph.http.Paging;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The filters of {@code GET /v1/requests}: {@code model}, {@code user_id} and {@code property.<key>=<value>}. */
public record RequestQuery(Optional<String> model, Optional<String> userId, Map<String, String> properties, PageRequest page) {
    static final int MAX_PROPERTY_FILTERS = 10;

    public static RequestQuery of(ServerRequest req) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            if (name.startsWith("property.") && name.length() > "property.".length()) {
                String key = name.substring("property.".length()).toLowerCase(Locale.ROOT);
                properties.put(key, req.query().get(name));
            }
        }
        if (properties.size() > MAX_PROPERTY_FILTERS) {
            throw ApiException.badRequest("At most " + MAX_PROPERTY_FILTERS + " property filters per query");
        }
        // What cannot be stored cannot match, and PostgreSQL refuses a NUL even as a query parameter.
        properties.forEach((key, value) -> {
            StorableText.require(key, "Property filters");
            StorableText.require(value, "Property filters");
        });
        return new RequestQuery(nonEmpty(req, "model"), nonEmpty(req, "user_id"), properties, Paging.of(req));
    }

    private static Optional<String> nonEmpty(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isEmpty()).map(v -> StorableText.require(v, name));
    }
}
