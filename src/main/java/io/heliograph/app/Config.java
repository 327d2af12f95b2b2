package io.heliograph.app;

import io.heliograph.delivery.RetrySchedule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param retrySchedule             delays between attempts, after the immediate first one
 * @param webhookConcurrency        deliveries in flight per webhook
 * @param inlineBodyLimitBytes      largest request or response body sent inline in a payload
 * @param openAiBaseUrl             upstream of the gateway's {@code /oai/v1/*} routes (scheme, host, optional path)
 * @param gatewayTimeout            longest the gateway waits for the upstream to say anything: for its
 *                                  response headers, and between any two pieces of its body
 * @param retention                 how long logs and delivery records are kept; zero keeps them forever
 * @param rateLimit                 requests/s per API key on the management routes; 0 is no limit
 * @param ingestRateLimit           requests/s per API key on the log routes and the gateway; 0 is no limit
 */
public record Config(
        int port,
        String bind,
        String publicUrl,
        Path dataDir,
        String databaseUrl,
        String bootstrapApiKey,
        boolean allowPrivateDestinations,
        boolean allowHttpDestinations,
        RetrySchedule retrySchedule,
        int webhookConcurrency,
        long inlineBodyLimitBytes,
        URI openAiBaseUrl,
        Duration gatewayTimeout,
        Duration retention,
        int rateLimit,
        int ingestRateLimit) {

    public static final int DEFAULT_PORT = 8585;
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com";
    /** As long as the OpenAI SDKs wait by default: reasoning models can think for minutes before a byte. */
    public static final Duration DEFAULT_GATEWAY_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final int DEFAULT_RATE_LIMIT = 100;

    public Config {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, got " + port);
        }
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(retrySchedule, "retrySchedule");
        if (webhookConcurrency < 1 || webhookConcurrency > 1024) {
            throw new IllegalArgumentException("Webhook concurrency must be between 1 and 1024, got " + webhookConcurrency);
        }
        if (inlineBodyLimitBytes < 0) {
            throw new IllegalArgumentException("Inline body limit must not be negative");
        }
        Objects.requireNonNull(openAiBaseUrl, "openAiBaseUrl");
        if (gatewayTimeout == null || gatewayTimeout.isZero() || gatewayTimeout.isNegative()) {
            throw new IllegalArgumentException("Gateway timeout must be positive");
        }
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("Retention must not be negative");
        }
        if (rateLimit < 0 || ingestRateLimit < 0) {
            throw new IllegalArgumentException("Rate limits must not be negative (0 turns a limit off)");
        }
        publicUrl = blankToNull(publicUrl);
        databaseUrl = blankToNull(databaseUrl);
        bootstrapApiKey = blankToNull(bootstrapApiKey);
    }

    /** The defaults of the spec's configuration table. */
    public static Config defaults() {
        return new Config(DEFAULT_PORT, "0.0.0.0", null, Path.of("data"), null, null, false, false,
                RetrySchedule.parse(RetrySchedule.DEFAULT), 16, 64 * 1024, parseBaseUrl(DEFAULT_OPENAI_BASE_URL),
                DEFAULT_GATEWAY_TIMEOUT, DEFAULT_RETENTION, DEFAULT_RATE_LIMIT, 0);
    }

    /**
     * An upstream base URL: absolute http(s), a host, no query, user info or fragment; a trailing
     * slash is dropped so that {@code /v1/…} can be appended.
     */
    public static URI parseBaseUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Invalid OpenAI base URL '" + text + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("OpenAI base URL must be an http(s) URL with a host and no query, e.g. "
                    + DEFAULT_OPENAI_BASE_URL + ", got '" + text + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Parses sizes such as {@code 64KiB}, {@code 1MiB}, {@code 500B} or a plain byte count. */
    public static long parseSize(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d{1,12})\\s*(B|KiB|KB|MiB|MB)?\\s*",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid size '" + text + "' (e.g. 64KiB, 1MiB, 500B)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        return switch (unit) {
            case "KIB", "KB" -> n * 1024;
            case "MIB", "MB" -> n * 1024 * 1024;
            default -> n;
        };
    }

    public boolean usesPostgres() {
        return databaseUrl != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
