package io.heliograph.webhook;

import java.util.Objects;

/** One {@code {"key": …, "value": …}} condition of a webhook; all of a webhook's filters must match. */
public record PropertyFilter(String key, String value) {
    public PropertyFilter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
