package io.heliograph.app;

import io.heliograph.delivery.RetrySchedule;
import io.heliograph.destination.HostAllowList;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the server is told at start-up, made with {@link #builder()}: from flags and environment
 * variables by {@code Main}, directly by tests. The defaults are the {@code DEFAULT_*} constants below.
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
 * @param webhookConcurrency        deliveries in flight per webhook, at most (less while its receiver struggles)
 * @param hostConcurrency           deliveries in flight per destination origin (scheme, host, port), across all webhooks and orgs
 * @param inlineBodyLimitBytes      largest request or response body sent inline in a payload
 * @param openAiBaseUrl             upstream of the gateway's {@code /oai/v1/*} routes (scheme, host, optional path)
 * @param anthropicBaseUrl          upstream of the gateway's {@code /anthropic/v1/*} routes (scheme, host, optional path)
 * @param gatewayTargets            hosts the generic gateway {@code /gateway/*} may reach; empty: any the destination guard allows
 * @param gatewayTimeout            longest the gateway waits for the upstream to say anything: for its
 *                                  response headers, and between any two pieces of its body
 * @param retention                 how long logs and delivery records are kept; zero keeps them forever
 * @param rateLimit                 requests/s per API key on the management routes; 0 is no limit
 * @param ingestRateLimit           requests/s per API key on the log routes and the gateway; 0 is no limit
 * @param ingestMemoryBytes         memory the logs in flight may hold before new ones are answered 503; 0 is a quarter of the heap
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
        int hostConcurrency,
        long inlineBodyLimitBytes,
        URI openAiBaseUrl,
        URI anthropicBaseUrl,
        HostAllowList gatewayTargets,
        Duration gatewayTimeout,
        Duration retention,
        int rateLimit,
        int ingestRateLimit,
        long ingestMemoryBytes) {

    // The defaults of the spec's configuration table, written as an operator would write them: the
    // flags show these in --help and the builder reads them with the same parsers as a flag's text.
    public static final int DEFAULT_PORT = 8585;
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final boolean DEFAULT_ALLOW_PRIVATE_DESTINATIONS = false;
    public static final boolean DEFAULT_ALLOW_HTTP_DESTINATIONS = false;
    public static final String DEFAULT_RETRY_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h";
    public static final int DEFAULT_WEBHOOK_CONCURRENCY = 16;
    public static final int DEFAULT_HOST_CONCURRENCY = 64;
    public static final String DEFAULT_INLINE_BODY_LIMIT = "64KiB";
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com";
    public static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_GATEWAY_TARGETS = "";
    /** As long as the OpenAI SDKs wait by default: reasoning models can think for minutes before a byte. */
    public static final String DEFAULT_GATEWAY_TIMEOUT = "10m";
    public static final String DEFAULT_RETENTION = "30d";
    public static final int DEFAULT_RATE_LIMIT = 100;
    public static final int DEFAULT_INGEST_RATE_LIMIT = 0;
    /** "auto": a quarter of the heap. */
    public static final String DEFAULT_INGEST_MEMORY = "auto";

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
        if (hostConcurrency < 1 || hostConcurrency > 4096) {
            throw new IllegalArgumentException("Host concurrency must be between 1 and 4096, got " + hostConcurrency);
        }
        if (inlineBodyLimitBytes < 0) {
            throw new IllegalArgumentException("Inline body limit must not be negative");
        }
        Objects.requireNonNull(openAiBaseUrl, "openAiBaseUrl");
        Objects.requireNonNull(anthropicBaseUrl, "anthropicBaseUrl");
        Objects.requireNonNull(gatewayTargets, "gatewayTargets");
        if (gatewayTimeout == null || gatewayTimeout.isZero() || gatewayTimeout.isNegative()) {
            throw new IllegalArgumentException("Gateway timeout must be positive");
        }
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("Retention must not be negative");
        }
        if (!retention.isZero() && retention.compareTo(retrySchedule.longestSpan()) <= 0) {
            // Deliveries still being retried would outlive their records' retention: refuse rather than surprise.
            throw new IllegalArgumentException("Retention (" + retention + ") must be longer than the whole retry schedule ("
                    + retrySchedule.longestSpan() + ": the sum of its delays plus 20 % jitter), or 0d to keep everything");
        }
        if (rateLimit < 0 || ingestRateLimit < 0) {
            throw new IllegalArgumentException("Rate limits must not be negative (0 turns a limit off)");
        }
        if (ingestMemoryBytes < 0) {
            throw new IllegalArgumentException("Ingest memory must not be negative");
        }
        publicUrl = blankToNull(publicUrl);
        databaseUrl = blankToNull(databaseUrl);
        bootstrapApiKey = blankToNull(bootstrapApiKey);
    }

    /** The defaults of the spec's configuration table. */
    public static Config defaults() {
        return builder().build();
    }

    /** Starts from the defaults; set only what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An upstream base URL: absolute http(s), a host, no query, user info or fragment; a trailing
     * slash is dropped so that {@code /v1/…} can be appended.
     */
    private static URI parseBaseUrl(String text, String provider, String example) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Invalid " + provider + " base URL '" + text + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(provider + " base URL must be an http(s) URL with a host and no query, e.g. "
                    + example + ", got '" + text + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    public boolean usesPostgres() {
        return databaseUrl != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * Named settings for a {@link Config}, starting from the defaults. The text setters take what a
     * flag or environment variable holds and read it with {@link Units}; {@link #build()} validates.
     */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private String publicUrl;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private String databaseUrl;
        private String bootstrapApiKey;
        private boolean allowPrivateDestinations = DEFAULT_ALLOW_PRIVATE_DESTINATIONS;
        private boolean allowHttpDestinations = DEFAULT_ALLOW_HTTP_DESTINATIONS;
        private RetrySchedule retrySchedule;
        private int webhookConcurrency = DEFAULT_WEBHOOK_CONCURRENCY;
        private int hostConcurrency = DEFAULT_HOST_CONCURRENCY;
        private long inlineBodyLimitBytes;
        private URI openAiBaseUrl;
        private URI anthropicBaseUrl;
        private HostAllowList gatewayTargets;
        private Duration gatewayTimeout;
        private Duration retention;
        private int rateLimit = DEFAULT_RATE_LIMIT;
        private int ingestRateLimit = DEFAULT_INGEST_RATE_LIMIT;
        private long ingestMemoryBytes;

        private Builder() {
            retrySchedule(DEFAULT_RETRY_SCHEDULE);
            inlineBodyLimit(DEFAULT_INLINE_BODY_LIMIT);
            openAiBaseUrl(DEFAULT_OPENAI_BASE_URL);
            anthropicBaseUrl(DEFAULT_ANTHROPIC_BASE_URL);
            gatewayTargets(DEFAULT_GATEWAY_TARGETS);
            gatewayTimeout(DEFAULT_GATEWAY_TIMEOUT);
            retention(DEFAULT_RETENTION);
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder bind(String value) {
            bind = value;
            return this;
        }

        public Builder publicUrl(String value) {
            publicUrl = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder databaseUrl(String value) {
            databaseUrl = value;
            return this;
        }

        public Builder bootstrapApiKey(String value) {
            bootstrapApiKey = value;
            return this;
        }

        public Builder allowPrivateDestinations(boolean value) {
            allowPrivateDestinations = value;
            return this;
        }

        public Builder allowHttpDestinations(boolean value) {
            allowHttpDestinations = value;
            return this;
        }

        /** Comma-separated delays such as {@code 5s,5m,30m}; empty for one attempt only. */
        public Builder retrySchedule(String text) {
            retrySchedule = new RetrySchedule(Units.durations(text, "retry delay"));
            return this;
        }

        public Builder webhookConcurrency(int value) {
            webhookConcurrency = value;
            return this;
        }

        public Builder hostConcurrency(int value) {
            hostConcurrency = value;
            return this;
        }

        /** A size such as {@code 64KiB}. */
        public Builder inlineBodyLimit(String text) {
            return inlineBodyLimitBytes(Units.size(text, "inline body limit"));
        }

        public Builder inlineBodyLimitBytes(long value) {
            inlineBodyLimitBytes = value;
            return this;
        }

        public Builder openAiBaseUrl(String text) {
            openAiBaseUrl = parseBaseUrl(text, "OpenAI", DEFAULT_OPENAI_BASE_URL);
            return this;
        }

        public Builder anthropicBaseUrl(String text) {
            anthropicBaseUrl = parseBaseUrl(text, "Anthropic", DEFAULT_ANTHROPIC_BASE_URL);
            return this;
        }

        /** Comma-separated host names, {@code *.} prefix allowed; empty for any host the guard allows. */
        public Builder gatewayTargets(String text) {
            gatewayTargets = HostAllowList.parse(text);
            return this;
        }

        /** A duration such as {@code 10m}. */
        public Builder gatewayTimeout(String text) {
            return gatewayTimeout(Units.duration(text, "gateway timeout"));
        }

        public Builder gatewayTimeout(Duration value) {
            gatewayTimeout = value;
            return this;
        }

        /** A duration such as {@code 30d}; {@code 0d} keeps everything. */
        public Builder retention(String text) {
            return retention(Units.duration(text, "retention"));
        }

        public Builder retention(Duration value) {
            retention = value;
            return this;
        }

        public Builder rateLimit(int value) {
            rateLimit = value;
            return this;
        }

        public Builder ingestRateLimit(int value) {
            ingestRateLimit = value;
            return this;
        }

        /** A size such as {@code 256MiB}, or {@code auto} (a quarter of the heap). */
        public Builder ingestMemory(String text) {
            String trimmed = text == null ? "" : text.trim();
            return ingestMemoryBytes(trimmed.isEmpty() || trimmed.equalsIgnoreCase("auto") ? 0 : Units.size(trimmed, "ingest memory"));
        }

        public Builder ingestMemoryBytes(long value) {
            ingestMemoryBytes = value;
            return this;
        }

        /** The config; an invalid combination is refused here, by {@link Config}'s own checks. */
        public Config build() {
            return new Config(port, bind, publicUrl, dataDir, databaseUrl, bootstrapApiKey, allowPrivateDestinations,
                    allowHttpDestinations, retrySchedule, webhookConcurrency, hostConcurrency, inlineBodyLimitBytes,
                    openAiBaseUrl, anthropicBaseUrl, gatewayTargets, gatewayTimeout, retention, rateLimit, ingestRateLimit,
                    ingestMemoryBytes);
        }
    }
}
