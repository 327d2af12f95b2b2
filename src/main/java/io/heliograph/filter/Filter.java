package io.heliograph.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import io.heliograph.json.Json;

/**
 * A webhook's filter expression ({@code config.filter}, SPEC §8), checked and compiled once.
 * Immutable and safe to share between threads; {@link #matches} allocates nothing except inside
 * a {@code $regex}. The grammar, the fields, the limits and the messages are in docs/filters.md.
 */
public final class Filter {
    private final JsonNode source;
    private final Expression root;
    private final int conditions;

    Filter(JsonNode source, Expression root, int conditions) {
        this.source = source;
        this.root = root;
        this.conditions = conditions;
    }

    /**
     * Checks and compiles {@code node}.
     *
     * @param node    the filter as given; null, missing or JSON {@code null} are refused as
     *                {@code must be an object} (the caller decides whether an absent filter means "none")
     * @param pointer the JSON Pointer of {@code node} from the request body's root, e.g.
     *                {@code /config/filter} or {@code /filter}; it starts every message
     * @throws ApiException 400 {@code Invalid filter at <pointer>: <reason>}, for the first fault found
     */
    public static Filter compile(JsonNode node, String pointer) {
        return FilterCompiler.compile(node, pointer);
    }

    /** Whether the request the subject describes passes the filter. */
    public boolean matches(FilterSubject subject) {
        return root.matches(subject);
    }

    /** The filter exactly as given (a copy: the caller may change it freely). */
    public JsonNode toJson() {
        return source.deepCopy();
    }

    /** How many field–operator pairs the filter holds (at most 64). */
    public int conditions() {
        return conditions;
    }

    /** Filters are equal when they were given as the same JSON. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Filter f && source.equals(f.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    /** The filter as compact JSON. */
    @Override
    public String toString() {
        return Json.writeString(source);
    }
}
