package io.heliograph.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.filter.Filter;
import io.heliograph.http.JsonBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the JSON of {@code POST} and {@code PATCH /v1/webhooks} into values, running the spec's checks
 * in the spec's order; the first failure is a 400 with the spec's exact message. A {@code null} field
 * counts as absent.
 */
public final class WebhookInput {
    static final String DESTINATION_REQUIRED = "Destination is required";
    static final String CONFIG_REQUIRED = "Config is required";
    static final String SAMPLE_RATE = "Sample rate must be between 0 and 100";
    static final String FILTERS_NOT_ARRAY = "Property filters must be an array";
    static final String FILTER_SHAPE = "Property filters must be an array of objects with key and value properties";
    static final String INCLUDE_DATA = "includeData must be a boolean";
    static final String ENABLED = "enabled must be a boolean";

    /** Limits beyond the spec, so one webhook cannot carry unbounded data (documented in docs/api.md). */
    static final int MAX_DESTINATION_LENGTH = 2048;
    static final int MAX_FILTERS = 50;
    static final int MAX_FILTER_KEY_LENGTH = 256;
    static final int MAX_FILTER_VALUE_LENGTH = 1024;
    static final String DESTINATION_TOO_LONG = "Destination must be at most " + MAX_DESTINATION_LENGTH + " characters";
    static final String TOO_MANY_FILTERS = "Property filters must have at most " + MAX_FILTERS + " entries";
    static final String FILTER_TOO_LONG = "Property filter keys must be at most " + MAX_FILTER_KEY_LENGTH
            + " characters and values at most " + MAX_FILTER_VALUE_LENGTH;

    /** A validated create request. */
    public record NewWebhook(String destination, WebhookConfig config) {
    }

    /**
     * A validated partial update: only the present fields change. {@code filter}: absent keeps it,
     * present-and-empty ({@code "filter": null}) removes it.
     */
    public record WebhookPatch(
            Optional<String> destination,
            Optional<Boolean> enabled,
            Optional<Double> sampleRate,
            Optional<List<PropertyFilter>> propertyFilters,
            Optional<Boolean> includeData,
            Optional<Optional<Filter>> filter) {

        /** A patch that leaves the filter expression as it is. */
        public WebhookPatch(Optional<String> destination, Optional<Boolean> enabled, Optional<Double> sampleRate,
                Optional<List<PropertyFilter>> propertyFilters, Optional<Boolean> includeData) {
            this(destination, enabled, sampleRate, propertyFilters, includeData, Optional.empty());
        }
    }

    private final DestinationGuard guard;

    public WebhookInput(DestinationGuard guard) {
        this.guard = guard;
    }

    /**
     * The spec's checks 1–10 in order, then the filter expression (§8), then the limits beyond the spec (destination length, the
     * filters' count, then their lengths): a body failing several gets the spec's message first.
     */
    public NewWebhook parseCreate(JsonNode body) {
        requireObject(body);
        String destination = destination(field(body, "destination")
                .orElseThrow(() -> ApiException.badRequest(DESTINATION_REQUIRED)));
        JsonNode config = field(body, "config")
                .filter(JsonNode::isObject)
                .orElseThrow(() -> ApiException.badRequest(CONFIG_REQUIRED));
        double sampleRate = field(config, "sampleRate").map(WebhookInput::sampleRate).orElse(WebhookConfig.DEFAULT_SAMPLE_RATE);
        List<PropertyFilter> filters = field(config, "propertyFilters").map(WebhookInput::propertyFilters).orElse(List.of());
        boolean includeData = includeData(body, config).orElse(true);
        Filter filter = field(config, "filter").map(WebhookInput::filter).orElse(null);
        withinLimits(Optional.of(destination), Optional.of(filters));
        return new NewWebhook(destination, new WebhookConfig(sampleRate, filters, includeData, filter));
    }

    /** The same checks, in the same order, on the fields given; {@code enabled} after the spec's, before the limits. */
    public WebhookPatch parsePatch(JsonNode body) {
        requireObject(body);
        Optional<String> destination = field(body, "destination").map(this::destination);
        Optional<JsonNode> config = field(body, "config");
        if (config.isPresent() && !config.get().isObject()) {
            throw ApiException.badRequest(CONFIG_REQUIRED);
        }
        Optional<Double> sampleRate = config.flatMap(c -> field(c, "sampleRate")).map(WebhookInput::sampleRate);
        Optional<List<PropertyFilter>> filters = config.flatMap(c -> field(c, "propertyFilters")).map(WebhookInput::propertyFilters);
        Optional<Boolean> includeData = includeData(body, config.orElse(null));
        // Present as null: remove the filter; absent: keep it.
        Optional<Optional<Filter>> filter = config.filter(c -> c.has("filter"))
                .map(c -> field(c, "filter").map(WebhookInput::filter));
        Optional<Boolean> enabled = field(body, "enabled").map(v -> {
            if (!v.isBoolean()) {
                throw ApiException.badRequest(ENABLED);
            }
            return v.booleanValue();
        });
        withinLimits(destination, filters);
        return new WebhookPatch(destination, enabled, sampleRate, filters, includeData, filter);
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(JsonBodies.INVALID_JSON);
        }
    }

    /** Steps 2–5: a string, an absolute http(s) URL, https unless allowed, a host that is not private. */
    private String destination(JsonNode node) {
        if (!node.isTextual()) {
            throw ApiException.badRequest(DESTINATION_REQUIRED);
        }
        try {
            return guard.check(node.textValue()).url();
        } catch (DestinationGuard.RefusedDestinationException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static double sampleRate(JsonNode node) {
        if (!node.isNumber()) {
            throw ApiException.badRequest(SAMPLE_RATE);
        }
        double rate = node.doubleValue();
        if (!(rate >= 0 && rate <= 100)) {
            throw ApiException.badRequest(SAMPLE_RATE);
        }
        return rate;
    }

    /** Steps 8 and 9. */
    private static List<PropertyFilter> propertyFilters(JsonNode node) {
        if (!node.isArray()) {
            throw ApiException.badRequest(FILTERS_NOT_ARRAY);
        }
        List<PropertyFilter> filters = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            JsonNode key = element.get("key");
            JsonNode value = element.get("value");
            if (!element.isObject() || key == null || !key.isTextual() || value == null || !value.isTextual()) {
                throw ApiException.badRequest(FILTER_SHAPE);
            }
            filters.add(new PropertyFilter(key.textValue(), value.textValue()));
        }
        return filters;
    }

    /** SPEC §8, after check 10: {@code Invalid filter at /config/filter…: <reason>}. */
    private static Filter filter(JsonNode node) {
        return Filter.compile(node, "/config/filter");
    }

    /** The limits beyond the spec, after all of its checks, in the order documented in docs/api.md. */
    private static void withinLimits(Optional<String> destination, Optional<List<PropertyFilter>> filters) {
        if (destination.isPresent() && destination.get().length() > MAX_DESTINATION_LENGTH) {
            throw ApiException.badRequest(DESTINATION_TOO_LONG);
        }
        if (filters.isPresent() && filters.get().size() > MAX_FILTERS) {
            throw ApiException.badRequest(TOO_MANY_FILTERS);
        }
        for (PropertyFilter filter : filters.orElse(List.of())) {
            if (filter.key().length() > MAX_FILTER_KEY_LENGTH || filter.value().length() > MAX_FILTER_VALUE_LENGTH) {
                throw ApiException.badRequest(FILTER_TOO_LONG);
            }
        }
    }

    /** Top-level {@code includeData} wins over {@code config.includeData}; only the one used is checked. */
    private static Optional<Boolean> includeData(JsonNode body, JsonNode config) {
        Optional<JsonNode> chosen = field(body, "includeData");
        if (chosen.isEmpty() && config != null) {
            chosen = field(config, "includeData");
        }
        return chosen.map(v -> {
            if (!v.isBoolean()) {
                throw ApiException.badRequest(INCLUDE_DATA);
            }
            return v.booleanValue();
        });
    }

    /** A present, non-null field. */
    private static Optional<JsonNode> field(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }
}
