package io.heliograph.ingest.llm.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** How every stream format reads the fields of untrusted events: a field of the wrong type counts as absent. */
final class EventFields {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventFields() {
    }

    /** A choice's or candidate's "index", else its position in the event's list. */
    static int index(JsonNode item, int position) {
        JsonNode index = item.get("index");
        if (index != null && index.isIntegralNumber() && index.canConvertToInt()) {
            return index.intValue();
        }
        return position;
    }

    /**
     * For each object in the event's array {@code field} (choices, candidates), the entry for its
     * {@link #index}, made when first seen, and the element itself. Anything not an array or not an
     * object is passed over.
     */
    static <T> void eachIndexed(JsonNode event, String field, Map<Integer, T> byIndex, Supplier<T> make,
            BiConsumer<T, JsonNode> take) {
        JsonNode list = event.get(field);
        if (list == null || !list.isArray()) {
            return;
        }
        for (int position = 0; position < list.size(); position++) {
            JsonNode item = list.get(position);
            if (item.isObject()) {
                take.accept(byIndex.computeIfAbsent(index(item, position), i -> make.get()), item);
            }
        }
    }

    /** The item's {@code field} when it is present and not null (a finish reason), else {@code kept}. */
    static JsonNode present(JsonNode kept, JsonNode item, String field) {
        JsonNode value = item.get(field);
        return value != null && !value.isNull() ? value : kept;
    }

    static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    static String nonEmptyText(JsonNode node) {
        String text = text(node);
        return text == null || text.isEmpty() ? null : text;
    }

    static StringBuilder append(StringBuilder builder, String text) {
        return (builder == null ? new StringBuilder() : builder).append(text);
    }

    static StringBuilder appendText(StringBuilder builder, JsonNode text) {
        return text != null && text.isTextual() ? append(builder, text.textValue()) : builder;
    }

    /** The kept value, unless it is missing or empty and the candidate is non-null (and non-empty if text). */
    static JsonNode firstNonEmpty(JsonNode kept, JsonNode candidate) {
        if (candidate == null || candidate.isNull() || candidate.isMissingNode()) {
            return kept;
        }
        if (kept == null) {
            return candidate;
        }
        boolean keptEmpty = kept.isTextual() && kept.textValue().isEmpty();
        boolean candidateEmpty = candidate.isTextual() && candidate.textValue().isEmpty();
        return keptEmpty && !candidateEmpty ? candidate : kept;
    }

    static JsonNode lastObject(JsonNode kept, JsonNode candidate) {
        return candidate != null && candidate.isObject() ? candidate : kept;
    }

    static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }
}
