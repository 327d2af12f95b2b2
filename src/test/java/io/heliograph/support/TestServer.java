package io.heliograph.support;

import io.heliograph.app.Config;
import io.heliograph.app.Heliograph;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.delivery.RetrySchedule;
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
        Config config = new Config(0, "127.0.0.1", null, dataDir, postgres == null ? null : postgres.jdbcUrl(),
                settings.bootstrapKey, settings.allowPrivate, settings.allowHttp, RetrySchedule.parse(settings.retrySchedule),
                settings.webhookConcurrency, settings.inlineBodyLimit, Config.parseBaseUrl(settings.openAiBaseUrl),
                settings.gatewayTimeout, settings.retention, settings.rateLimit, settings.ingestRateLimit);
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

    public ApiKeyStore keys() {
        return new ApiKeyStore(heliograph.database());
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
        private boolean allowPrivate;
        private boolean allowHttp;
        private String bootstrapKey = BOOTSTRAP_KEY;
        private String retrySchedule = "1s,1s,1s";
        private int webhookConcurrency = 16;
        private long inlineBodyLimit = 64 * 1024;
        private PostgresDatabase sharedPostgres;
        // Nothing listens on port 9 of loopback: a test that forgets to point the gateway somewhere gets a 502, not the internet.
        private String openAiBaseUrl = "http://127.0.0.1:9";
        private Path dataDir;
        private java.time.Duration gatewayTimeout = java.time.Duration.ofSeconds(30);
        private java.time.Duration retention = java.time.Duration.ofDays(30);
        // Tests fire requests far faster than any app: limits are off unless a test turns them on.
        private int rateLimit;
        private int ingestRateLimit;

        private Builder(StoreKind kind) {
            this.kind = kind;
        }

        public Builder resolver(FakeResolver value) {
            resolver = value;
            return this;
        }

        public Builder allowPrivate(boolean value) {
            allowPrivate = value;
            return this;
        }

        public Builder allowHttp(boolean value) {
            allowHttp = value;
            return this;
        }

        public Builder bootstrapKey(String value) {
            bootstrapKey = value;
            return this;
        }

        public Builder retrySchedule(String value) {
            retrySchedule = value;
            return this;
        }

        public Builder webhookConcurrency(int value) {
            webhookConcurrency = value;
            return this;
        }

        public Builder inlineBodyLimit(long value) {
            inlineBodyLimit = value;
            return this;
        }

        /** Where the gateway forwards {@code /oai/v1/*} (a fake upstream on loopback in tests). */
        public Builder openAiBaseUrl(String value) {
            openAiBaseUrl = value;
            return this;
        }

        /** Where the SQLite store lives (default: a new temp dir); removed on close like the default one. */
        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder retention(java.time.Duration value) {
            retention = value;
            return this;
        }

        public Builder rateLimits(int management, int ingest) {
            rateLimit = management;
            ingestRateLimit = ingest;
            return this;
        }

        public Builder gatewayTimeout(java.time.Duration value) {
            gatewayTimeout = value;
            return this;
        }

        /** A second server on the same PostgreSQL database (the first one owns and drops it). */
        public Builder sharing(TestServer other) {
            sharedPostgres = other.postgres;
            return this;
        }

        /** Receivers in tests are plain-http servers on loopback. */
        public Builder loopbackReceivers() {
            allowPrivate = true;
            allowHttp = true;
            return this;
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
