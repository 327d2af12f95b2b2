package io.heliograph.app;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.auth.CreatedKey;
import io.heliograph.auth.Scope;
import io.heliograph.auth.SessionStore;
import io.heliograph.delivery.BacklogCanceller;
import io.heliograph.delivery.BodyLinks;
import io.heliograph.delivery.DeliveryRoutes;
import io.heliograph.delivery.DeliveryStore;
import io.heliograph.delivery.Dispatcher;
import io.heliograph.delivery.FilterRoutes;
import io.heliograph.delivery.Outbox;
import io.heliograph.delivery.LiveRoutes;
import io.heliograph.delivery.Payloads;
import io.heliograph.delivery.RequestDeliveryRoutes;
import io.heliograph.delivery.Sender;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.gateway.GatewayRoutes;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.ErrorMapping;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.RateLimits;
import io.heliograph.http.SecurityHeaders;
import io.heliograph.http.ShutdownGate;
import io.heliograph.ingest.IngestBudget;
import io.heliograph.ingest.IngestRoutes;
import io.heliograph.ingest.IngestService;
import io.heliograph.ingest.LogAssembler;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.ingest.llm.PriceTable;
import io.heliograph.keys.KeyRoutes;
import io.heliograph.ops.HealthRoutes;
import io.heliograph.ops.Metrics;
import io.heliograph.ops.Retention;
import io.heliograph.store.Database;
import io.heliograph.store.Dialect;
import io.heliograph.store.InstallationSecrets;
import io.heliograph.ui.UiRoutes;
import io.heliograph.webhook.WebhookInput;
import io.heliograph.webhook.WebhookRoutes;
import io.heliograph.webhook.WebhookService;
import io.heliograph.webhook.WebhookStore;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: the one place where the object graph is built, started and stopped. */
public final class Heliograph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heliograph.class);
    /** How long a destination's name may take to resolve when a webhook is created or changed. */
    static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);
    /** Helidon's own cap sits above the API's 10 MiB so that the API answers 413 in its envelope. */
    private static final long SERVER_PAYLOAD_CAP = 4 * JsonBodies.MAX_BODY_BYTES;

    static final String USER_AGENT = "Heliograph-Webhooks/" + version();

    private final Database database;
    private final ApiKeyStore keys;
    private final WebServer server;
    private final Dispatcher dispatcher;
    private final Sender sender;
    private final GatewayRoutes gateway;
    private final Retention retention;
    private final IngestService ingest;
    private final BacklogCanceller canceller;
    private final ShutdownGate gate;

    private Heliograph(ShutdownGate gate, Database database, ApiKeyStore keys, WebServer server, Dispatcher dispatcher, Sender sender, GatewayRoutes gateway,
            Retention retention, IngestService ingest, BacklogCanceller canceller) {
        this.gate = gate;
        this.ingest = ingest;
        this.canceller = canceller;
        this.gateway = gateway;
        this.retention = retention;
        this.database = database;
        this.keys = keys;
        this.server = server;
        this.dispatcher = dispatcher;
        this.sender = sender;
    }

    static String version() {
        String v = Heliograph.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    public static Heliograph start(Config config, PrintStream out) {
        return start(config, DestinationGuard.systemResolver(RESOLVE_TIMEOUT), out);
    }

    /** Starts with an injected name resolver: tests use it so no lookup ever leaves the machine. */
    public static Heliograph start(Config config, DestinationGuard.Resolver resolver, PrintStream out) {
        Clock clock = Clock.systemUTC();
        Database database = Database.open(config.databaseUrl(), config.dataDir(), clock);
        GatewayRoutes gateway = null;
        Retention retention = null;
        BacklogCanceller canceller = null;
        try {
            ApiKeyStore keys = new ApiKeyStore(database);
            bootstrapKeys(config, keys, out);

            DestinationGuard guard = new DestinationGuard(resolver, config.allowPrivateDestinations(), config.allowHttpDestinations());
            WebhookStore webhookStore = new WebhookStore(database);
            RequestLogStore logs = new RequestLogStore(database);
            DeliveryStore deliveries = new DeliveryStore(database);
            canceller = new BacklogCanceller(deliveries);
            WebhookService webhooks = new WebhookService(webhookStore, canceller::cancel, clock);
            if (database.dialect() == Dialect.SQLITE) {
                // One process serves a SQLite store: leases left by a crashed run are stale at once.
                deliveries.releaseEveryLease();
            }
            Metrics metrics = new Metrics(() -> {
                DeliveryStore.Backlog b = deliveries.backlog();
                double age = b.oldestDueAt() == null ? 0 : Math.max(0, clock.millis() - b.oldestDueAt()) / 1000.0;
                return new Metrics.Backlog(b.pending(), age);
            });

            int[] port = {config.port()};
            Supplier<String> publicUrl = () -> config.publicUrl() != null ? config.publicUrl() : "http://localhost:" + port[0];
            BodyLinks links = new BodyLinks(publicUrl, InstallationSecrets.get(database, "body-links"), clock);
            // The scheduler's per-origin cap binds first; the client's own allows for test sends beside it.
            Sender sender = new Sender(guard, USER_AGENT, config.hostConcurrency() + 64, clock);
            Payloads payloads = new Payloads(config.inlineBodyLimitBytes(), links);
            Dispatcher dispatcher = new Dispatcher(deliveries, webhookStore, logs, payloads,
                    sender, config.retrySchedule(), config.webhookConcurrency(), config.hostConcurrency(), metrics, clock);
            IngestService ingest = new IngestService(database, logs, new LogAssembler(PriceTable.load()), List.of(
                    new Outbox(deliveries, webhookStore, dispatcher, clock),
                    IngestService.NewLogHook.afterEachCommit(metrics::logsIngested)),
                    config.ingestMemoryBytes() > 0 ? new IngestBudget(config.ingestMemoryBytes()) : IngestBudget.ofHeap());
            metrics.gauge("heliograph_ingest_memory_reserved_bytes",
                    "Memory reserved by logs being received and committed (503 beyond the budget)", ingest.budget()::used);

            RateLimits limits = new RateLimits(config.rateLimit(), config.ingestRateLimit(), System::nanoTime);
            gateway = new GatewayRoutes(keys, new GatewayRoutes.Upstreams(config.openAiBaseUrl(), config.anthropicBaseUrl(),
                    config.gatewayTargets(), config.gatewayTimeout()), guard, ingest, limits.ingest(), metrics, clock);
            ShutdownGate gate = new ShutdownGate();
            SessionStore sessions = new SessionStore(database, keys);
            Predicate<String> logRoute = path -> IngestRoutes.isLogRoute(path) || path.equals(IngestRoutes.PLAIN_LOG_ROUTE);
            HttpRouting.Builder routing = HttpRouting.builder()
                    .addFilter(gate)
                    .addFilter(new SecurityHeaders())
                    .addFilter(new AuthFilter(keys, path -> path.startsWith("/v1/") || IngestRoutes.isLogRoute(path),
                            path -> logRoute.test(path) ? limits.ingest() : limits.management(),
                            // ingest: the log routes (the gateway checks its own Helicone-Auth: any scope);
                            // admin: the keys; write: everything else, reads included.
                            path -> logRoute.test(path) ? Scope.INGEST
                                    : path.equals(KeyRoutes.PATH) || path.startsWith(KeyRoutes.PATH + "/") ? Scope.ADMIN : Scope.WRITE,
                            sessions::find))
                    .register(new UiRoutes(sessions, clock))
                    .register("/v1/live", new LiveRoutes(deliveries.live(), gate::closing))
                    .register(new HealthRoutes(database, metrics, gate::closing))
                    .register(new IngestRoutes(ingest, logs))
                    .register(new RequestDeliveryRoutes(logs, deliveries))
                    .register(gateway)
                    .register(DeliveryRoutes.bodies(links, logs))
                    .register("/v1/webhooks", DeliveryRoutes.health(deliveries, clock))
                    .register("/v1/webhooks", new WebhookRoutes(webhooks, new WebhookInput(guard)))
                    .register("/v1/filters", new FilterRoutes(logs))
                    .register(KeyRoutes.PATH, new KeyRoutes(keys))
                    .register("/v1/webhooks", new DeliveryRoutes(webhooks, deliveries, sender, dispatcher::wake, clock, payloads, logs))
                    .any((req, res) -> Envelope.error(res, 404, ErrorMapping.NOT_FOUND));
            ErrorMapping.install(routing, gate);

            WebServer server = WebServer.builder()
                    .host(config.bind())
                    .port(config.port())
                    .maxPayloadSize(SERVER_PAYLOAD_CAP)
                    // Streamed chunks are small writes: without this, Nagle's algorithm holds one back
                    // until the client's delayed ACK (~40 ms) whenever the previous one is unacknowledged.
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .directHandlers(ErrorMapping.directHandlers())
                    .shutdownHook(false)
                    .shutdownGracePeriod(Duration.ofSeconds(10))
                    .routing(routing)
                    .build()
                    .start();
            port[0] = server.port();
            dispatcher.start();
            canceller.start();
            retention = new Retention(config.retention(), deliveries::purgeBatch, logs::purgeBatch, deliveries::purgeRollupsBatch, metrics, clock);
            retention.start();
            LOG.info("Heliograph listening on http://{}:{} (store: {}); dashboard: {}/", config.bind(), server.port(),
                    database.dialect().name().toLowerCase(), publicUrl.get().replaceAll("/+$", ""));
            return new Heliograph(gate, database, keys, server, dispatcher, sender, gateway, retention, ingest, canceller);
        } catch (RuntimeException e) {
            if (gateway != null) {
                gateway.close();
            }
            if (canceller != null) {
                canceller.close();
            }
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

    /** This process's keys: a key revoked through them is refused from the next request on. */
    public ApiKeyStore keys() {
        return keys;
    }

    public Retention retention() {
        return retention;
    }

    /**
     * The first step of {@link #close()}: from now on a request is answered 503 with Retry-After, and
     * /readyz 503, instead of reaching parts that are about to close.
     */
    public void stopAccepting() {
        gate.close();
    }

    /**
     * Stops accepting (requests still arriving get 503 with Retry-After; those in flight finish, up to
     * 10 s), writes the gateway logs still waiting (up to 10 s), lets attempts in flight finish (up to
     * 10 s), gives back the remaining leases, closes the store.
     */
    @Override
    public void close() {
        stopAccepting();
        server.stop();
        retention.close();
        canceller.close();
        gateway.close();
        ingest.close();
        dispatcher.close();
        sender.close();
        database.close();
    }
}
