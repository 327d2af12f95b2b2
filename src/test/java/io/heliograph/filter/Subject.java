package io.heliograph.filter;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request as tests describe it: a field left unset is one the request lacks. */
final class Subject implements FilterSubject {
    private String model;
    private String provider;
    private String userId;
    private String outcome;
    private final Map<String, String> properties = new HashMap<>();
    private double status = MISSING;
    private double promptTokens = MISSING;
    private double completionTokens = MISSING;
    private double totalTokens = MISSING;
    private double latencyMs = MISSING;
    private double timeToFirstTokenMs = MISSING;
    private double cost = MISSING;

    /** Nothing known at all. */
    static Subject empty() {
        return new Subject();
    }

    /** A typical chat completion: the seed's payload example, no time to first token. */
    static Subject typical() {
        return new Subject()
                .with("model", "gpt-4o-mini").with("provider", "OPENAI").with("user_id", "user_123")
                .with("outcome", "completed").with("properties.environment", "prod").with("properties.team", "Search")
                .with("status", 200).with("prompt_tokens", 13).with("completion_tokens", 17).with("total_tokens", 30)
                .with("latency_ms", 930).with("cost", 0.0002025);
    }

    /** Sets a field by its filter name; a property key is stored lower-cased, as the log routes do. */
    Subject with(String field, Object value) {
        switch (field) {
            case "model" -> model = (String) value;
            case "provider" -> provider = (String) value;
            case "user_id" -> userId = (String) value;
            case "outcome" -> outcome = (String) value;
            case "status" -> status = number(value);
            case "prompt_tokens" -> promptTokens = number(value);
            case "completion_tokens" -> completionTokens = number(value);
            case "total_tokens" -> totalTokens = number(value);
            case "latency_ms" -> latencyMs = number(value);
            case "time_to_first_token_ms" -> timeToFirstTokenMs = number(value);
            case "cost" -> cost = number(value);
            default -> {
                if (!field.startsWith("properties.")) {
                    throw new IllegalArgumentException(field);
                }
                String key = field.substring("properties.".length()).toLowerCase(Locale.ROOT);
                if (value == null) {
                    properties.remove(key);
                } else {
                    properties.put(key, (String) value);
                }
            }
        }
        return this;
    }

    private static double number(Object value) {
        return value == null ? MISSING : ((Number) value).doubleValue();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public String outcome() {
        return outcome;
    }

    @Override
    public String property(String lowerCaseKey) {
        return properties.get(lowerCaseKey);
    }

    @Override
    public double status() {
        return status;
    }

    @Override
    public double promptTokens() {
        return promptTokens;
    }

    @Override
    public double completionTokens() {
        return completionTokens;
    }

    @Override
    public double totalTokens() {
        return totalTokens;
    }

    @Override
    public double latencyMs() {
        return latencyMs;
    }

    @Override
    public double timeToFirstTokenMs() {
        return timeToFirstTokenMs;
    }

    @Override
    public double cost() {
        return cost;
    }

    @Override
    public String toString() {
        return "Subject{model=" + model + ", provider=" + provider + ", user_id=" + userId + ", outcome=" + outcome
                + ", properties=" + properties + ", status=" + status + ", tokens=" + promptTokens + "/" + completionTokens
                + "/" + totalTokens + ", latency_ms=" + latencyMs + ", ttft=" + timeToFirstTokenMs + ", cost=" + cost + "}";
    }
}
