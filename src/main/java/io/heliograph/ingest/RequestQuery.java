package io.heliograph.ingest;

import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.ApiException;
import io.heliograph.api.PageRequest;
import io.heliograph.http.Paging;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The filters of {@code GET /v1/requests}: {@code model}, {@code user_id}, {@code property.<key>=<value>},
 * {@code status} (an HTTP status, exact — {@code 429} — or a class — {@code 5xx}) and {@code outcome}.
 */
public record RequestQuery(Optional<String> model, Optional<String> userId, Map<String, String> properties,
        Optional<StatusRange> status, Optional<Outcome> outcome, PageRequest page) {
    static final int MAX_PROPERTY_FILTERS = 10;
    static final String BAD_STATUS = "status must be an HTTP status from 100 to 599, or a class such as 5xx";
    static final String BAD_OUTCOME = "outcome must be one of "
            + Arrays.stream(Outcome.values()).map(Outcome::wireName).collect(Collectors.joining(", "));
    private static final Pattern EXACT = Pattern.compile("[1-5][0-9][0-9]");
    private static final Pattern CLASS = Pattern.compile("[1-5]xx");

    /** HTTP statuses from {@code low} to {@code high}, both included. */
    public record StatusRange(int low, int high) {
    }

    /** Model, user and properties only (every status and outcome), on one page. */
    public RequestQuery(Optional<String> model, Optional<String> userId, Map<String, String> properties, PageRequest page) {
        this(model, userId, properties, Optional.empty(), Optional.empty(), page);
    }

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
        Optional<StatusRange> status = req.query().first("status").asOptional().filter(v -> !v.isEmpty()).map(RequestQuery::status);
        Optional<Outcome> outcome = req.query().first("outcome").asOptional().filter(v -> !v.isEmpty()).map(RequestQuery::outcome);
        return new RequestQuery(nonEmpty(req, "model"), nonEmpty(req, "user_id"), properties, status, outcome, Paging.of(req));
    }

    static StatusRange status(String value) {
        if (EXACT.matcher(value).matches()) {
            int code = Integer.parseInt(value);
            return new StatusRange(code, code);
        }
        if (CLASS.matcher(value).matches()) {
            int low = (value.charAt(0) - '0') * 100;
            return new StatusRange(low, low + 99);
        }
        throw ApiException.badRequest(BAD_STATUS);
    }

    static Outcome outcome(String value) {
        return Outcome.parse(value).orElseThrow(() -> ApiException.badRequest(BAD_OUTCOME));
    }

    private static Optional<String> nonEmpty(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isEmpty()).map(v -> StorableText.require(v, name));
    }
}
