package io.heliograph.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do (SPEC §2), widest first: {@code admin} everything, keys included; {@code write}
 * webhooks, logs and every read; {@code ingest} the log routes and the gateway only.
 */
public enum Scope {
    ADMIN, WRITE, INGEST;

    /** The scope's name in the API and the store. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a key of this scope may do what {@code needed} allows. */
    public boolean covers(Scope needed) {
        return ordinal() <= needed.ordinal();
    }

    /** The scope named {@code wire} exactly (lower case, as the API writes it). */
    public static Optional<Scope> parse(String wire) {
        for (Scope s : values()) {
            if (s.wire().equals(wire)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
