package io.heliograph.webhook;

import io.heliograph.filter.Filter;
import java.util.List;

/**
 * What a webhook receives: a sample of the org's requests, narrowed by property filters and by a
 * filter expression ({@code filter}, null for none; SPEC §8), with or without bodies.
 */
public record WebhookConfig(double sampleRate, List<PropertyFilter> propertyFilters, boolean includeData, Filter filter) {
    public static final double DEFAULT_SAMPLE_RATE = 100;

    public WebhookConfig(double sampleRate, List<PropertyFilter> propertyFilters, boolean includeData) {
        this(sampleRate, propertyFilters, includeData, null);
    }

    public WebhookConfig {
        if (!(sampleRate >= 0 && sampleRate <= 100)) {
            throw new IllegalArgumentException("sampleRate outside 0..100: " + sampleRate);
        }
        propertyFilters = List.copyOf(propertyFilters);
    }

    public WebhookConfig withSampleRate(double rate) {
        return new WebhookConfig(rate, propertyFilters, includeData, filter);
    }

    public WebhookConfig withPropertyFilters(List<PropertyFilter> filters) {
        return new WebhookConfig(sampleRate, filters, includeData, filter);
    }

    public WebhookConfig withIncludeData(boolean include) {
        return new WebhookConfig(sampleRate, propertyFilters, include, filter);
    }

    /** With {@code replacement} as its filter expression; null removes it. */
    public WebhookConfig withFilter(Filter replacement) {
        return new WebhookConfig(sampleRate, propertyFilters, includeData, replacement);
    }
}
