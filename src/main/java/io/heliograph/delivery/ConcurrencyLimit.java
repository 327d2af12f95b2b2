package io.heliograph.delivery;

/**
 * How many deliveries one webhook may have in flight, learnt from how its receiver copes — as TCP's
 * congestion window is. It starts at the maximum (HELIOGRAPH_WEBHOOK_CONCURRENCY). A 5xx or a 429
 * halves it; an attempt that got no answer at all (timed out, refused, reset) drops it to one, as a
 * retransmission timeout does a congestion window. Either happens at most once per round: attempts
 * already in flight when it was cut were sent under the old limit and do not cut it again. Each
 * success while the webhook was using its whole allowance adds one, so a recovered receiver doubles
 * every round trip back up to the maximum. A receiver that keeps failing is left with one delivery in
 * flight — a probe — whose first success lets it grow again. Not thread-safe; the scheduler's lock
 * guards it. Pure.
 */
final class ConcurrencyLimit {
    /** What an attempt says about its receiver's capacity. */
    enum Signal {
        /** It answered 2xx. */
        SUCCESS,
        /** It answered 5xx or 429: send it less. */
        OVERLOAD,
        /** No answer, and quickly — refused, reset: send it one at a time until it answers. */
        UNANSWERED,
        /**
         * No answer after holding the connection a while (a connect or exchange timeout, a trickle):
         * one at a time, as {@link #UNANSWERED}, and the scheduler also pauses between such probes.
         */
        TIMED_OUT,
        /** Nothing about capacity (another 4xx, a redirect, a refused destination, no attempt made). */
        NEUTRAL
    }

    private int max;
    private int limit;
    /** Attempts started so far; an attempt remembers its number when it starts. */
    private long started;
    /** Attempts numbered below this were in flight when the limit was last cut. */
    private long cutBefore;
    private boolean failing;
    /** Failures since the last success. */
    private int failures;

    ConcurrencyLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.limit = max;
    }

    int limit() {
        return limit;
    }

    int max() {
        return max;
    }

    /** A new maximum (this node's share changed): the limit is cut to it at once, and grows to it again by successes. */
    void resize(int newMax) {
        if (newMax < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        max = newMax;
        limit = Math.min(limit, newMax);
    }

    /** Its last attempt that said anything of its receiver was a failure. */
    boolean failing() {
        return failing;
    }

    /** Failures since the last success. */
    int failures() {
        return failures;
    }

    /** Down to one delivery in flight because its receiver keeps failing. */
    boolean probing() {
        return failing && limit == 1;
    }

    /** An attempt starts; answers its number, to be given back with its outcome. */
    long started() {
        return started++;
    }

    /**
     * An attempt ended. {@code inFlightBefore} is how many of the webhook's attempts were in flight
     * just before it ended (itself included): the limit only grows when it was what held the webhook back.
     */
    void ended(long number, Signal signal, int inFlightBefore) {
        switch (signal) {
            case SUCCESS -> {
                failing = false;
                failures = 0;
                if (inFlightBefore >= limit && limit < max) {
                    limit++;
                }
            }
            case OVERLOAD, UNANSWERED, TIMED_OUT -> {
                failing = true;
                failures = Math.min(failures + 1, 1_000);
                if (number >= cutBefore) {
                    limit = signal == Signal.OVERLOAD ? Math.max(1, limit / 2) : 1;
                    cutBefore = started;
                }
            }
            case NEUTRAL -> { }
        }
    }
}
