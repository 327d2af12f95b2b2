package io.heliograph.filter;

/**
 * What a {@link Filter} reads from one logged request. The caller adapts its own log type to this,
 * so the filter package depends on nothing else of Heliograph.
 *
 * <p>A string is null when the request lacks it. A number is {@link #MISSING} (NaN) when the request
 * lacks it — a double rather than a boxed value so that matching allocates nothing; the integer
 * fields (status, token counts) are exact as doubles up to 2<sup>53</sup>.
 */
public interface FilterSubject {
    /** The value of a number the request lacks (no cost known, no time to first token …). */
    double MISSING = Double.NaN;

    String model();

    /** Helicone's provider name, e.g. {@code OPENAI}; filters compare it ignoring case. */
    String provider();

    String userId();

    /** {@code completed}, {@code cancelled}, {@code upstream_timeout}, … */
    String outcome();

    /** The request's own property named {@code lowerCaseKey} (keys are always asked lower-cased), or null. */
    String property(String lowerCaseKey);

    /** The LLM response's HTTP status. */
    double status();

    double promptTokens();

    double completionTokens();

    double totalTokens();

    /** End − start, in milliseconds. */
    double latencyMs();

    double timeToFirstTokenMs();

    /** USD for the request; {@link #MISSING} when the model's price is unknown. */
    double cost();
}
