package io.heliograph.webhook;

import java.util.List;

/** What a webhook receives: a sample of the org's requests, narrowed by filters, with or without bodies. */
public record WebhookConfig(double sampleRate, List<PropertyFilter> propertyFilters, boolean includeData) {
    public static final double DEFAULT_SAMPLE_RATE = 100;

    public WebhookConfig {
        if (!(sampleRate >= 0 && sampleRate <= 100)) {
            throw new IllegalArgumentException("sampleRate outside 0..100: " + sampleRate);
        }
        propertyFilters = List.copyOf(propertyFilters);
    }

    public WebhookConfig withSampleRate(double rate) {
        return new WebhookConfig(rate, propertyFilters, includeData);
    }

    public WebhookConfig withPropertyFilters(List<PropertyFilter> filters) {
        return new WebhookConfig(sampleRate, filters, includeData);
    }

    public WebhookConfig withIncludeData(boolean include) {
        return new WebhookConfig(sampleRate, propertyFilters, include);
    }
}
