package io.heliograph.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Which limit applies where: HELIOGRAPH_RATE_LIMIT on the management routes (/v1/…),
 * HELIOGRAPH_INGEST_RATE_LIMIT on the log routes and the gateway. 0 turns a limit off.
 */
public final class RateLimits {
    private final Optional<RateLimiter> management;
    private final Optional<RateLimiter> ingest;

    public RateLimits(int managementPerSecond, int ingestPerSecond, LongSupplier nanoTime) {
        this.management = managementPerSecond > 0 ? Optional.of(new RateLimiter(managementPerSecond, nanoTime)) : Optional.empty();
        this.ingest = ingestPerSecond > 0 ? Optional.of(new RateLimiter(ingestPerSecond, nanoTime)) : Optional.empty();
    }

    public static RateLimits off() {
        return new RateLimits(0, 0, System::nanoTime);
    }

    public Optional<RateLimiter> management() {
        return management;
    }

    public Optional<RateLimiter> ingest() {
        return ingest;
    }

    /**
     * Takes a token from {@code limiter} for {@code apiKeyId}; when none is left, answers 429 with
     * Retry-After and returns false.
     */
    public static boolean admit(Optional<RateLimiter> limiter, String apiKeyId, ServerResponse res) {
        if (limiter.isEmpty()) {
            return true;
        }
        long wait = limiter.get().tryAcquire(apiKeyId);
        if (wait == 0) {
            return true;
        }
        res.header(HeaderNames.RETRY_AFTER, Long.toString(wait));
        Envelope.error(res, 429, message(limiter.get()));
        return false;
    }

    static String message(RateLimiter limiter) {
        return "Rate limit exceeded: " + limiter.perSecond() + " requests per second per API key";
    }
}
