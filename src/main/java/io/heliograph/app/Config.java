package io.heliograph.app;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the server is told at start-up. Built from flags and environment variables by
 * {@code Main}, or directly by tests.
 *
 * @param port                      listen port; 0 picks a free one
 * @param bind                      listen address
 * @param publicUrl                 base URL for links in payloads; null means {@code http://localhost:<port>}
 * @param dataDir                   where the embedded SQLite store lives
 * @param databaseUrl               {@code jdbc:postgresql://…} to use PostgreSQL instead; null for SQLite
 * @param bootstrapApiKey           a key that must exist for org {@code default}; null for none
 * @param allowPrivateDestinations  let destinations reach loopback and private networks (development, tests)
 * @param allowHttpDestinations     let destinations use plain http (development, tests)
 */
public record Config(
        int port,
        String bind,
        String publicUrl,
        Path dataDir,
        String databaseUrl,
        String bootstrapApiKey,
        boolean allowPrivateDestinations,
        boolean allowHttpDestinations) {

    public static final int DEFAULT_PORT = 8585;

    public Config {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, got " + port);
        }
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        publicUrl = blankToNull(publicUrl);
        databaseUrl = blankToNull(databaseUrl);
        bootstrapApiKey = blankToNull(bootstrapApiKey);
    }

    /** The defaults of the spec's configuration table. */
    public static Config defaults() {
        return new Config(DEFAULT_PORT, "0.0.0.0", null, Path.of("data"), null, null, false, false);
    }

    public boolean usesPostgres() {
        return databaseUrl != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
