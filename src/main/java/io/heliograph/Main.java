package io.heliograph;

import io.heliograph.app.Config;
import io.heliograph.app.Heliograph;
import io.heliograph.auth.ApiKeyInfo;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.CreatedKey;
import io.heliograph.json.IsoTime;
import io.heliograph.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The command line: {@code serve} and {@code keys create|list|revoke}. Every flag has an environment variable. */
@Command(name = "heliograph", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Durable, signed, retried webhooks for LLM request logs (Helicone-compatible API).",
        subcommands = {Main.Serve.class, Main.Keys.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int exit = commandLine().execute(args);
        if (exit != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exit);
        }
    }

    /** The command line as {@link #main} runs it: a bad setting (port, schedule, size, database URL) is a message, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("heliograph: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return 2;
                });
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Where the store is: shared by {@code serve} and the {@code keys} commands. */
    static final class StoreOptions {
        @Option(names = "--data-dir", defaultValue = "${env:HELIOGRAPH_DATA_DIR:-" + Config.DEFAULT_DATA_DIR + "}",
                description = "Where the embedded store lives (env HELIOGRAPH_DATA_DIR, default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--database-url", defaultValue = "${env:HELIOGRAPH_DATABASE_URL}",
                description = "jdbc:postgresql://… to use PostgreSQL instead of the embedded store (env HELIOGRAPH_DATABASE_URL).")
        String databaseUrl;

        Database open() {
            return Database.open(databaseUrl, dataDir, Clock.systemUTC());
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the service.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--port", defaultValue = "${env:HELIOGRAPH_PORT:-" + Config.DEFAULT_PORT + "}",
                description = "Listen port; 0 picks a free one, which is logged (env HELIOGRAPH_PORT, default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--bind", defaultValue = "${env:HELIOGRAPH_BIND:-" + Config.DEFAULT_BIND + "}",
                description = "Listen address (env HELIOGRAPH_BIND, default ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--public-url", defaultValue = "${env:HELIOGRAPH_PUBLIC_URL}",
                description = "Base URL that links in payloads point to (env HELIOGRAPH_PUBLIC_URL, default http://localhost:<port>).")
        String publicUrl;

        @Option(names = "--bootstrap-api-key", defaultValue = "${env:HELIOGRAPH_BOOTSTRAP_API_KEY}",
                description = "This exact key exists for org \"default\" after start-up (env HELIOGRAPH_BOOTSTRAP_API_KEY).")
        String bootstrapApiKey;

        @Option(names = "--allow-private-destinations", arity = "0..1", fallbackValue = "true",
                defaultValue = "${env:HELIOGRAPH_ALLOW_PRIVATE_DESTINATIONS:-" + Config.DEFAULT_ALLOW_PRIVATE_DESTINATIONS + "}",
                description = "Allow loopback/private destinations, for development and tests (env HELIOGRAPH_ALLOW_PRIVATE_DESTINATIONS).")
        boolean allowPrivate;

        @Option(names = "--allow-http-destinations", arity = "0..1", fallbackValue = "true",
                defaultValue = "${env:HELIOGRAPH_ALLOW_HTTP_DESTINATIONS:-" + Config.DEFAULT_ALLOW_HTTP_DESTINATIONS + "}",
                description = "Allow plain http:// destinations, for development and tests (env HELIOGRAPH_ALLOW_HTTP_DESTINATIONS).")
        boolean allowHttp;

        @Option(names = "--retry-schedule",
                defaultValue = "${env:HELIOGRAPH_RETRY_SCHEDULE:-" + Config.DEFAULT_RETRY_SCHEDULE + "}",
                description = "Delays between attempts, after the immediate first one (env HELIOGRAPH_RETRY_SCHEDULE, default ${DEFAULT-VALUE}).")
        String retrySchedule;

        @Option(names = "--webhook-concurrency",
                defaultValue = "${env:HELIOGRAPH_WEBHOOK_CONCURRENCY:-" + Config.DEFAULT_WEBHOOK_CONCURRENCY + "}",
                description = "Concurrent deliveries per webhook, at most: fewer while its receiver struggles"
                        + " (env HELIOGRAPH_WEBHOOK_CONCURRENCY, default ${DEFAULT-VALUE}).")
        int webhookConcurrency;

        @Option(names = "--host-concurrency",
                defaultValue = "${env:HELIOGRAPH_HOST_CONCURRENCY:-" + Config.DEFAULT_HOST_CONCURRENCY + "}",
                description = "Concurrent deliveries per destination origin (scheme, host, port), across all webhooks and orgs"
                        + " (env HELIOGRAPH_HOST_CONCURRENCY, default ${DEFAULT-VALUE}).")
        int hostConcurrency;

        @Option(names = "--inline-body-limit",
                defaultValue = "${env:HELIOGRAPH_INLINE_BODY_LIMIT:-" + Config.DEFAULT_INLINE_BODY_LIMIT + "}",
                description = "Largest request or response body sent inline in a payload (env HELIOGRAPH_INLINE_BODY_LIMIT, default ${DEFAULT-VALUE}).")
        String inlineBodyLimit;

        @Option(names = "--openai-base-url",
                defaultValue = "${env:HELIOGRAPH_OPENAI_BASE_URL:-" + Config.DEFAULT_OPENAI_BASE_URL + "}",
                description = "Upstream of the gateway's /oai/v1/* routes (env HELIOGRAPH_OPENAI_BASE_URL, default ${DEFAULT-VALUE}).")
        String openAiBaseUrl;

        @Option(names = "--anthropic-base-url",
                defaultValue = "${env:HELIOGRAPH_ANTHROPIC_BASE_URL:-" + Config.DEFAULT_ANTHROPIC_BASE_URL + "}",
                description = "Upstream of the gateway's /anthropic/v1/* routes (env HELIOGRAPH_ANTHROPIC_BASE_URL, default ${DEFAULT-VALUE}).")
        String anthropicBaseUrl;

        @Option(names = "--gateway-targets", defaultValue = "${env:HELIOGRAPH_GATEWAY_TARGETS:-}",
                description = "Hosts the generic gateway /gateway/* may reach, comma-separated, *. prefix allowed;"
                        + " empty = any host the destination guard allows (env HELIOGRAPH_GATEWAY_TARGETS).")
        String gatewayTargets;

        @Option(names = "--gateway-timeout",
                defaultValue = "${env:HELIOGRAPH_GATEWAY_TIMEOUT:-" + Config.DEFAULT_GATEWAY_TIMEOUT + "}",
                description = "Longest the gateway waits for the upstream's headers or its next bytes; then 504"
                        + " (env HELIOGRAPH_GATEWAY_TIMEOUT, default ${DEFAULT-VALUE}).")
        String gatewayTimeout;

        @Option(names = "--retention", defaultValue = "${env:HELIOGRAPH_RETENTION:-" + Config.DEFAULT_RETENTION + "}",
                description = "How long logs and delivery records are kept; 0d keeps them forever"
                        + " (env HELIOGRAPH_RETENTION, default ${DEFAULT-VALUE}).")
        String retention;

        @Option(names = "--rate-limit",
                defaultValue = "${env:HELIOGRAPH_RATE_LIMIT:-" + Config.DEFAULT_RATE_LIMIT + "}",
                description = "Requests/s per API key on the management routes, 0 = off (env HELIOGRAPH_RATE_LIMIT, default ${DEFAULT-VALUE}).")
        int rateLimit;

        @Option(names = "--ingest-rate-limit",
                defaultValue = "${env:HELIOGRAPH_INGEST_RATE_LIMIT:-" + Config.DEFAULT_INGEST_RATE_LIMIT + "}",
                description = "Requests/s per API key on the log routes and the gateway, 0 = off"
                        + " (env HELIOGRAPH_INGEST_RATE_LIMIT, default ${DEFAULT-VALUE}).")
        int ingestRateLimit;

        @Option(names = "--ingest-memory",
                defaultValue = "${env:HELIOGRAPH_INGEST_MEMORY:-" + Config.DEFAULT_INGEST_MEMORY + "}",
                description = "Memory the logs being received may hold before new ones are answered 503 with Retry-After;"
                        + " auto = a quarter of the heap (env HELIOGRAPH_INGEST_MEMORY, default ${DEFAULT-VALUE}).")
        String ingestMemory;

        @Override
        public Integer call() throws InterruptedException {
            Config config = Config.builder()
                    .port(port)
                    .bind(bind)
                    .publicUrl(publicUrl)
                    .dataDir(store.dataDir)
                    .databaseUrl(store.databaseUrl)
                    .bootstrapApiKey(bootstrapApiKey)
                    .allowPrivateDestinations(allowPrivate)
                    .allowHttpDestinations(allowHttp)
                    .retrySchedule(retrySchedule)
                    .webhookConcurrency(webhookConcurrency)
                    .hostConcurrency(hostConcurrency)
                    .inlineBodyLimit(inlineBodyLimit)
                    .openAiBaseUrl(openAiBaseUrl)
                    .anthropicBaseUrl(anthropicBaseUrl)
                    .gatewayTargets(gatewayTargets)
                    .gatewayTimeout(gatewayTimeout)
                    .retention(retention)
                    .rateLimit(rateLimit)
                    .ingestRateLimit(ingestRateLimit)
                    .ingestMemory(ingestMemory)
                    .build();
            Heliograph heliograph = Heliograph.start(config, System.out);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                heliograph.close();
                stopped.countDown();
            }, "heliograph-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
            subcommands = {KeysCreate.class, KeysList.class, KeysRevoke.class})
    static final class Keys implements Runnable {
        @Override
        public void run() {
            new CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key (and its organization, if new) and print it once.")
    static final class KeysCreate implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--org",
                defaultValue = "default", description = "Organization name (default ${DEFAULT-VALUE}).")
        String org;

        @Override
        public Integer call() {
            if (org.isBlank() || org.length() > 200) {
                System.err.println("--org must be 1 to 200 characters");
                return 2;
            }
            try (Database db = store.open()) {
                CreatedKey key = new ApiKeyStore(db).createKey(org.trim());
                System.out.println(key.key());
                System.err.println("Created a key for org \"" + key.organization() + "\". It is shown only this once.");
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys: prefixes, scopes and creation times, never the keys.")
    static final class KeysList implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database db = store.open()) {
                List<ApiKeyInfo> keys = new ApiKeyStore(db).list();
                System.out.printf("%-36s  %-20s  %-12s  %-6s  %-24s  %s%n", "ID", "ORG", "PREFIX", "SCOPE", "CREATED", "STATUS");
                for (ApiKeyInfo k : keys) {
                    System.out.printf("%-36s  %-20s  %-12s  %-6s  %-24s  %s%n", k.id(), k.organization(), k.prefix(), k.scope(),
                            IsoTime.format(k.createdAt()), k.revoked() ? "revoked " + IsoTime.format(k.revokedAt()) : "active");
                }
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once, by id or prefix.")
    static final class KeysRevoke implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "ID_OR_PREFIX", description = "The key's id or prefix, as `keys list` shows it.")
        String idOrPrefix;

        @Override
        public Integer call() {
            try (Database db = store.open()) {
                return switch (new ApiKeyStore(db).revoke(idOrPrefix)) {
                    case REVOKED -> {
                        System.out.println("Revoked " + idOrPrefix);
                        yield 0;
                    }
                    case NOT_FOUND -> {
                        System.err.println("No active key with id or prefix " + idOrPrefix);
                        yield 1;
                    }
                    case AMBIGUOUS -> {
                        System.err.println("Several active keys share prefix " + idOrPrefix + "; revoke by id (see `keys list`)");
                        yield 1;
                    }
                };
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"heliograph " + (v == null ? "dev" : v)};
        }
    }
}
