package io.heliograph.delivery;

import io.heliograph.filter.FilterSubject;
import io.heliograph.ingest.RequestLog;

/**
 * A logged request as a webhook's filter reads it: each field is what the webhook payload shows
 * ({@code metadata.promptTokens}, {@code metadata.latencyMs}, {@code metadata.cost} …), so a filter
 * and the body a receiver gets never disagree.
 */
public record LogSubject(RequestLog log) implements FilterSubject {
    @Override
    public String model() {
        return log.model();
    }

    @Override
    public String provider() {
        return log.provider();
    }

    @Override
    public String userId() {
        return log.userId();
    }

    @Override
    public String outcome() {
        return log.outcome().wireName();
    }

    @Override
    public String property(String lowerCaseKey) {
        return log.properties().get(lowerCaseKey);
    }

    @Override
    public double status() {
        return log.status();
    }

    @Override
    public double promptTokens() {
        return orMissing(log.usage().promptTokens());
    }

    @Override
    public double completionTokens() {
        return orMissing(log.usage().completionTokens());
    }

    @Override
    public double totalTokens() {
        return orMissing(log.usage().totalTokens());
    }

    @Override
    public double latencyMs() {
        return log.latencyMs();
    }

    @Override
    public double timeToFirstTokenMs() {
        return orMissing(log.timeToFirstTokenMs());
    }

    @Override
    public double cost() {
        return log.cost() == null ? MISSING : log.cost();
    }

    private static double orMissing(Long value) {
        return value == null ? MISSING : value;
    }
}
