package io.heliograph.app;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.CreatedKey;
import io.heliograph.delivery.DestinationGuard;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.ErrorMapping;
import io.heliograph.http.JsonBodies;
import io.heliograph.ingest.IngestRoutes;
import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.LogAssembler;
import io.heliograph.ingest.PriceTable;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ops.HealthRoutes;
import io.heliograph.store.Database;
import io.heliograph.webhook.WebhookInput;
import io.heliograph.webhook.WebhookRoutes;
import io.heliograph.webhook.WebhookService;
import io.heliograph.webhook.WebhookStore;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: the one place where the object graph is built, started and stopped. */
public final class Heliograph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heliograph.class);
    /** How long a destination's name may take to resolve when a webhook is created or changed. */
    static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);
    /** Helidon's own cap sits above the API's 10 MiB so that the API answers 413 in its envelope. */
    private static final long SERVER_PAYLOAD_CAP = 4 * JsonBodies.MAX_BODY_BYTES;

    private final Database database;
    private final WebServer server;

    private Heliograph(Database database, WebServer server) {
        this.database = database;
        this.server = server;
    }

    public static Heliograph start(Config config, PrintStream out) {
        return start(config, DestinationGuard.systemResolver(RESOLVE_TIMEOUT), out);
    }

    /** Starts with an injected name resolver: tests use it so no lookup ever leaves the machine. */
    public static Heliograph start(Config config, DestinationGuard.Resolver resolver, PrintStream out) {
        Clock clock = Clock.systemUTC();
        Database database = Database.open(config.databaseUrl(), config.dataDir(), clock);
        try {
            ApiKeyStore keys = new ApiKeyStore(database);
            bootstrapKeys(config, keys, out);

            DestinationGuard guard = new DestinationGuard(resolver, config.allowPrivateDestinations(), config.allowHttpDestinations());
            WebhookService webhooks = new WebhookService(new WebhookStore(database), clock);
            RequestLogStore logs = new RequestLogStore(database);
            IngestService ingest = new IngestService(database, logs, new LogAssembler(PriceTable.load()), List.of());

            HttpRouting.Builder routing = HttpRouting.builder()
                    .addFilter(new AuthFilter(keys, path -> path.startsWith("/v1/") || IngestRoutes.isLogRoute(path)))
                    .register(new HealthRoutes(database))
                    .register(new IngestRoutes(ingest, logs))
                    .register("/v1/webhooks", new WebhookRoutes(webhooks, new WebhookInput(guard)))
                    .any((req, res) -> Envelope.error(res, 404, ErrorMapping.NOT_FOUND));
            ErrorMapping.install(routing);

            WebServer server = WebServer.builder()
                    .host(config.bind())
                    .port(config.port())
                    .maxPayloadSize(SERVER_PAYLOAD_CAP)
                    .directHandlers(ErrorMapping.directHandlers())
                    .shutdownHook(false)
                    .shutdownGracePeriod(Duration.ofSeconds(10))
                    .routing(routing)
                    .build()
                    .start();
            LOG.info("Heliograph listening on http://{}:{} (store: {})", config.bind(), server.port(),
                    database.dialect().name().toLowerCase());
            return new Heliograph(database, server);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * A configured bootstrap key must exist; otherwise the very first start of an empty store creates
     * org {@code default} with one key and prints it, once.
     */
    private static void bootstrapKeys(Config config, ApiKeyStore keys, PrintStream out) {
        if (config.bootstrapApiKey() != null) {
            switch (keys.ensureKey(config.bootstrapApiKey())) {
                case CREATED -> LOG.info("Bootstrap API key added to org \"{}\"", ApiKeyStore.DEFAULT_ORG);
                case ALREADY_PRESENT -> LOG.debug("Bootstrap API key already present");
                case REVOKED -> LOG.warn("HELIOGRAPH_BOOTSTRAP_API_KEY names a revoked key; it stays revoked");
            }
            return;
        }
        Optional<CreatedKey> created = keys.createDefaultIfEmpty();
        created.ifPresent(key -> {
            out.println();
            out.println("  Created organization \"" + key.organization() + "\" and its first API key:");
            out.println();
            out.println("      " + key.key());
            out.println();
            out.println("  It is shown only this once; keep it somewhere safe.");
            out.println("  More keys: ./heliograph keys create --org <name>");
            out.println();
            out.flush();
        });
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        server.stop();
        database.close();
    }
}
