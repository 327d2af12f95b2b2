package io.heliograph.filter;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** A field a condition reads: its name in a filter, its type, and how it is read from a subject. */
record Field(String name, Function<FilterSubject, String> string, ToDoubleFunction<FilterSubject> number,
             boolean ignoresCase) {

    static final String PROPERTY_PREFIX = "properties.";

    private static final Field[] BUILT_IN = {
        text("model", FilterSubject::model, true),
        text("provider", FilterSubject::provider, true),
        text("user_id", FilterSubject::userId, false),
        text("outcome", FilterSubject::outcome, false),
        number("status", FilterSubject::status),
        number("prompt_tokens", FilterSubject::promptTokens),
        number("completion_tokens", FilterSubject::completionTokens),
        number("total_tokens", FilterSubject::totalTokens),
        number("latency_ms", FilterSubject::latencyMs),
        number("time_to_first_token_ms", FilterSubject::timeToFirstTokenMs),
        number("cost", FilterSubject::cost),
    };

    /** The field {@code name} names, or null. Names are exact; a property's key ignores case. */
    static Field named(String name) {
        for (Field field : BUILT_IN) {
            if (field.name.equals(name)) {
                return field;
            }
        }
        if (name.length() > PROPERTY_PREFIX.length() && name.startsWith(PROPERTY_PREFIX)) {
            String key = name.substring(PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT);
            return text(name, subject -> subject.property(key), false);
        }
        return null;
    }

    boolean isString() {
        return string != null;
    }

    private static Field text(String name, Function<FilterSubject, String> read, boolean ignoresCase) {
        return new Field(name, read, null, ignoresCase);
    }

    private static Field number(String name, ToDoubleFunction<FilterSubject> read) {
        return new Field(name, null, read, false);
    }
}
