package io.heliograph.ingest;

import java.util.Arrays;
import java.util.Optional;

/**
 * How an exchange ended. Logs from the log routes are always {@link #COMPLETED}: their caller says
 * what happened. The gateway sees the exchange itself and says when it did not run to its end.
 */
public enum Outcome {
    /** The whole response reached the caller. */
    COMPLETED("completed"),
    /** The caller went away before the response ended; the upstream request was cancelled. */
    CANCELLED("cancelled"),
    /** The upstream fell silent for longer than the gateway's timeout. */
    UPSTREAM_TIMEOUT("upstream_timeout"),
    /** The upstream could not be reached (refused, unknown name, TLS failure). */
    UPSTREAM_UNREACHABLE("upstream_unreachable"),
    /** The upstream broke off in the middle of its response. */
    UPSTREAM_FAILED("upstream_failed");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** The lowercase name used in the store, in log reads and in payloads. */
    public String wireName() {
        return wireName;
    }

    public static Outcome ofWireName(String name) {
        if (name == null) {
            return COMPLETED;
        }
        return parse(name).orElseThrow(() -> new IllegalArgumentException("Unknown outcome " + name));
    }

    /** The outcome whose wire name is exactly {@code name}, if any. */
    public static Optional<Outcome> parse(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
    }
}
