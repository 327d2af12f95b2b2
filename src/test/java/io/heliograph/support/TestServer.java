package io.heliograph.support;

import io.heliograph.app.Config;
import io.heliograph.app.Heliograph;
import io.heliograph.auth.ApiKeyStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real server on port 0 with a temporary store (a temp SQLite dir or a throw-away PostgreSQL
 * database), as a test meets it. Closing it stops the server and removes the store.
 */
public final class TestServer implements AutoCloseable {
    public static final String BOOTSTRAP_KEY = "hg_test_bootstrap_key_0123456789abcdefghij";

    private final StoreKind kind;
    private final Builder settings;
    private final Path dataDir;
    private final PostgresDatabase postgres;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final boolean ownsPostgres;
    private Heliograph heliograph;

    private TestServer(Builder settings) {
        this.kind = settings.kind;
        this.settings = settings;
        try {
            this.dataDir = settings.dataDir != null ? Files.createDirectories(settings.dataDir)
                    : Files.createTempDirectory("heliograph-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ownsPostgres = settings.sharedPostgres == null;
        this.postgres = kind != StoreKind.POSTGRES ? null
                : settings.sharedPostgres != null ? settings.sharedPostgres : PostgresDatabase.create();
    }

    public static TestServer start(StoreKind kind) {
        return builder(kind).start();
    }

    public static Builder builder(StoreKind kind) {
        return new Builder(kind);
    }

    /** Starts (or starts again, on the same store) the server. */
    public TestServer restart() {
        if (heliograph != null) {
            heliograph.close();
        }
        Config config = settings.config.dataDir(dataDir).databaseUrl(jdbcUrl()).bootstrapApiKey(settings.bootstrapKey).build();
        heliograph = Heliograph.start(config, settings.resolver, new PrintStream(output, true, StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Starts again on the same store with changed settings, as an operator would after changing a
     * flag: {@code server.restartWith(s -> s.allowPrivate(false))}. Ports change; take a new {@link #api()}.
     */
    public TestServer restartWith(java.util.function.Consumer<Builder> change) {
        change.accept(settings);
        return restart();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl() {
        return postgres == null ? null : postgres.jdbcUrl();
    }

    /** A JDBC URL a test can open itself to read the store behind the server: the PostgreSQL database, or the SQLite file. */
    public String directJdbcUrl() {
        return postgres != null ? postgres.jdbcUrl() : "jdbc:sqlite:" + dataDir.resolve("heliograph.db");
    }

    /** Stops the in-process server but keeps its store, for server processes of its own to use. */
    public TestServer stopServer() {
        if (heliograph != null) {
            heliograph.close();
            heliograph = null;
        }
        return this;
    }

    public StoreKind kind() {
        return kind;
    }

    public Heliograph heliograph() {
        return heliograph;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + heliograph.port();
    }

    /** A client authenticated with the bootstrap key (org "default"). */
    public Api api() {
        return new Api(baseUrl(), settings.bootstrapKey);
    }

    /** A client with a fresh key for {@code organization}, created as the CLI would. */
    public Api apiForNewKey(String organization) {
        return new Api(baseUrl(), keys().createKey(organization).key());
    }

    /** The command-line flags that point {@code heliograph keys …} at this server's store. */
    public java.util.List<String> storeFlags() {
        return postgres != null
                ? java.util.List.of("--database-url=" + postgres.jdbcUrl())
                : java.util.List.of("--data-dir=" + dataDir);
    }

    /** The serving process's own keys (a revocation through them takes effect at once). */
    public ApiKeyStore keys() {
        return heliograph.keys();
    }

    /** What the server printed to its console (stdout) so far. */
    public String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (heliograph != null) {
            heliograph.close();
        }
        if (postgres != null && ownsPostgres) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private final StoreKind kind;
        private FakeResolver resolver = FakeResolver.standard();
        private String bootstrapKey = BOOTSTRAP_KEY;
        private PostgresDatabase sharedPostgres;
        private Path dataDir;
        // The server's own defaults, but for what a test needs otherwise.
        private final Config.Builder config = Config.builder()
                .port(0)
                .bind("127.0.0.1")
                .retrySchedule("1s,1s,1s")
                // Nothing listens on port 9 of loopback: a test that forgets to point the gateway somewhere gets a 502, not the internet.
                .openAiBaseUrl("http://127.0.0.1:9")
                .anthropicBaseUrl("http://127.0.0.1:9")
                .gatewayTimeout(java.time.Duration.ofSeconds(30))
                // Tests fire requests far faster than any app: limits are off unless a test turns them on.
                .rateLimit(0)
                .ingestRateLimit(0);

        private Builder(StoreKind kind) {
            this.kind = kind;
        }

        public Builder resolver(FakeResolver value) {
            resolver = value;
            return this;
        }

        public Builder allowPrivate(boolean value) {
            config.allowPrivateDestinations(value);
            return this;
        }

        public Builder allowHttp(boolean value) {
            config.allowHttpDestinations(value);
            return this;
        }

        public Builder bootstrapKey(String value) {
            bootstrapKey = value;
            return this;
        }

        public Builder retrySchedule(String value) {
            config.retrySchedule(value);
            return this;
        }

        public Builder webhookConcurrency(int value) {
            config.webhookConcurrency(value);
            return this;
        }

        public Builder hostConcurrency(int value) {
            config.hostConcurrency(value);
            return this;
        }

        public Builder inlineBodyLimit(long value) {
            config.inlineBodyLimitBytes(value);
            return this;
        }

        /** Where the gateway forwards {@code /oai/v1/*} (a fake upstream on loopback in tests). */
        public Builder openAiBaseUrl(String value) {
            config.openAiBaseUrl(value);
            return this;
        }

        /** Where the gateway forwards {@code /anthropic/v1/*} (a fake upstream on loopback in tests). */
        public Builder anthropicBaseUrl(String value) {
            config.anthropicBaseUrl(value);
            return this;
        }

        /** The hosts {@code /gateway/*} may reach (HELIOGRAPH_GATEWAY_TARGETS); empty for any the guard allows. */
        public Builder gatewayTargets(String value) {
            config.gatewayTargets(value);
            return this;
        }

        /** Where the SQLite store lives (default: a new temp dir); removed on close like the default one. */
        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder retention(java.time.Duration value) {
            config.retention(value);
            return this;
        }

        public Builder rateLimits(int management, int ingest) {
            config.rateLimit(management).ingestRateLimit(ingest);
            return this;
        }

        public Builder ingestMemory(long bytes) {
            config.ingestMemoryBytes(bytes);
            return this;
        }

        public Builder gatewayTimeout(java.time.Duration value) {
            config.gatewayTimeout(value);
            return this;
        }

        /** A second server on the same PostgreSQL database (the first one owns and drops it). */
        public Builder sharing(TestServer other) {
            sharedPostgres = other.postgres;
            return this;
        }

        /** Receivers in tests are plain-http servers on loopback. */
        public Builder loopbackReceivers() {
            return allowPrivate(true).allowHttp(true);
        }

        public TestServer start() {
            TestServer server = new TestServer(this);
            try {
                return server.restart();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
