package io.heliograph.ingest.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Token counts taken from a response body; any field may be null when the body does not say.
 *
 * <p>{@code promptTokens} always includes cached tokens (read or written), whatever the provider, so
 * {@code cacheReadTokens} and {@code cacheWriteTokens} are parts of it, not additions to it.
 */
public record Usage(Long promptTokens, Long completionTokens, Long totalTokens,
                    Long cacheReadTokens, Long cacheWriteTokens) {
    public static final Usage NONE = new Usage(null, null, null, null, null);

    /** Larger counts are not plausible for one request, and are treated as junk. */
    static final long MAX_COUNT = 1_000_000_000_000L;
    private static final BigDecimal MAX_COUNT_DECIMAL = BigDecimal.valueOf(MAX_COUNT);

    /**
     * From a response JSON (never throws; non-object / missing usage → NONE). Recognises:
     * OpenAI chat/completions {@code usage{prompt_tokens, completion_tokens, total_tokens,
     * prompt_tokens_details.cached_tokens}}; OpenAI Responses API / embeddings {@code usage{input_tokens,
     * output_tokens, total_tokens, input_tokens_details.cached_tokens}} (embeddings have prompt_tokens and
     * total_tokens only, so their completion count is total − prompt, i.e. 0); Anthropic {@code usage{input_tokens,
     * output_tokens, cache_creation_input_tokens, cache_read_input_tokens}} → promptTokens = input +
     * cache_creation + cache_read (Anthropic's input_tokens excludes cached ones), completion = output; Google
     * {@code usageMetadata{promptTokenCount, candidatesTokenCount, totalTokenCount, cachedContentTokenCount,
     * thoughtsTokenCount}} → completion = candidates + thoughts.
     *
     * <p>totalTokens = given total, else prompt + completion when both known. Counts must be non-negative
     * integers (ints, longs, or whole-valued floats like 13.0); anything else (strings, negatives, fractions,
     * booleans, > 1e12) is ignored as unknown.
     */
    public static Usage from(JsonNode response) {
        try {
            if (response == null || !response.isObject()) {
                return NONE;
            }
            JsonNode usage = response.get("usage");
            if (usage != null && usage.isObject()) {
                if (usage.has("prompt_tokens") || usage.has("completion_tokens")) {
                    return openAi(usage, "prompt_tokens", "completion_tokens", "prompt_tokens_details");
                }
                if (usage.has("cache_creation_input_tokens") || usage.has("cache_read_input_tokens")) {
                    return anthropic(usage);
                }
                // The Responses API, and Anthropic without cache fields: input_tokens there is the whole prompt.
                return openAi(usage, "input_tokens", "output_tokens", "input_tokens_details");
            }
            JsonNode metadata = response.get("usageMetadata");
            if (metadata != null && metadata.isObject()) {
                return google(metadata);
            }
            return NONE;
        } catch (RuntimeException e) {
            return NONE; // a body is untrusted input: never let it fail a log
        }
    }

    /** Any count present. */
    public boolean isKnown() {
        return promptTokens != null || completionTokens != null || totalTokens != null
                || cacheReadTokens != null || cacheWriteTokens != null;
    }

    private static Usage openAi(JsonNode usage, String promptField, String completionField, String detailsField) {
        Long prompt = count(usage.get(promptField));
        Long completion = count(usage.get(completionField));
        Long total = count(usage.get("total_tokens"));
        JsonNode details = usage.get(detailsField);
        Long cached = details != null && details.isObject() ? count(details.get("cached_tokens")) : null;
        // Embeddings state no completion count; OpenAI's total is prompt + completion, so the rest is output (0).
        if (completion == null && isAbsent(usage.get(completionField))
                && prompt != null && total != null && total >= prompt) {
            completion = total - prompt;
        }
        return of(prompt, completion, total, cached, null);
    }

    private static Usage anthropic(JsonNode usage) {
        Long input = count(usage.get("input_tokens"));
        Long output = count(usage.get("output_tokens"));
        JsonNode writeNode = usage.get("cache_creation_input_tokens");
        JsonNode readNode = usage.get("cache_read_input_tokens");
        Long write = count(writeNode);
        Long read = count(readNode);
        // An absent or null cache field means nothing was cached; a junk one leaves the prompt size unknown.
        boolean cacheKnown = (write != null || isAbsent(writeNode)) && (read != null || isAbsent(readNode));
        Long prompt = input != null && cacheKnown ? input + orZero(write) + orZero(read) : null;
        return of(prompt, output, null, read, write);
    }

    private static Usage google(JsonNode metadata) {
        Long prompt = count(metadata.get("promptTokenCount"));
        Long total = count(metadata.get("totalTokenCount"));
        Long cached = count(metadata.get("cachedContentTokenCount"));
        JsonNode candidatesNode = metadata.get("candidatesTokenCount");
        JsonNode thoughtsNode = metadata.get("thoughtsTokenCount");
        Long candidates = count(candidatesNode);
        Long thoughts = count(thoughtsNode);
        Long completion = null;
        boolean partsValid = (candidates != null || isAbsent(candidatesNode))
                && (thoughts != null || isAbsent(thoughtsNode));
        // Google's JSON omits zero counts, so one part alone is the whole; neither says nothing.
        if (partsValid && (candidates != null || thoughts != null)) {
            completion = orZero(candidates) + orZero(thoughts);
        }
        return of(prompt, completion, total, cached, null);
    }

    private static Usage of(Long prompt, Long completion, Long total, Long cacheRead, Long cacheWrite) {
        if (total == null && prompt != null && completion != null) {
            total = prompt + completion;
        }
        Usage usage = new Usage(prompt, completion, total, cacheRead, cacheWrite);
        return usage.isKnown() ? usage : NONE;
    }

    /** A token count, or null when the node is missing or not a non-negative whole number up to 1e12. */
    static Long count(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null; // also rejects strings and booleans
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                long v = node.longValue();
                return v >= 0 && v <= MAX_COUNT ? v : null;
            }
            return null; // beyond long range, so beyond MAX_COUNT (or far negative)
        }
        if (node.isBigDecimal()) {
            BigDecimal d = node.decimalValue();
            if (d.signum() < 0 || d.compareTo(MAX_COUNT_DECIMAL) > 0 || d.stripTrailingZeros().scale() > 0) {
                return null;
            }
            return d.longValueExact();
        }
        double d = node.doubleValue();
        if (!Double.isFinite(d) || d < 0 || d > MAX_COUNT || d != Math.rint(d)) {
            return null;
        }
        return (long) d;
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}
