import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heliograph's load harness: starts the server (a separate JVM, -Xmx512m, on a fresh SQLite data
 * directory or a fresh PostgreSQL database) and measures it in two kinds of phase.
 *
 * <p>Throughput (ceiling, ingest, e2e) is driven by wrk ({@code bench/wrk/log.lua}) and delivered to a
 * Node receiver ({@code bench/receiver.js}): on 2 cores a JVM generator and receiver took the CPU the
 * server needed, so the figures measured the load generator as much as the server. Each is the median
 * of {@code --runs} runs (each: warm-up, then a measured window), with the CPU each process spent per
 * log and per delivery in that window, from {@code /proc/<pid>/stat}:
 *
 * <ol>
 *   <li>ceiling: wrk posting the same 1 KiB bodies straight to the Node receiver — the plain HTTP
 *       ceiling of this machine, which every figure is divided by;</li>
 *   <li>ingest: wrk, 64 connections, 1 KiB logs, no webhook: logs/s accepted;</li>
 *   <li>end-to-end: the same, with one webhook to the Node receiver: logs/s accepted and deliveries/s
 *       received (distinct webhook-id values);</li>
 * </ol>
 *
 * <p>Latency (steady, hanging, backlog, noisy) keeps the open-loop JDK generator and receiver of this
 * file (plain HTTP/1.1 over keep-alive sockets, virtual threads), which time every log to its webhook:
 *
 * <ol>
 *   <li>steady: the same latency at a fixed open-loop rate (default 1,000 logs/s);</li>
 *   <li>hanging: 1,000 deliveries of which every tenth goes to a receiver that never answers (until
 *       Heliograph's 15 s timeout): latency of the other 900;</li>
 *   <li>backlog: the receiver holds every request (an outage) while N deliveries pile up (default
 *       1,000,000: 100,000 logs × 10 webhooks); then it answers again and the drain is timed, with the
 *       server's heap and RSS sampled.</li>
 *   <li>noisy neighbour: a hostile organization (its key made with {@code keys create}) has 1,000
 *       webhooks to 20 receivers that accept and never answer, 100 to receivers answering after 5 s,
 *       100 answering 500, ~100,000 deliveries pending and one healthy webhook; a quiet organization
 *       logs at a fixed rate (default 200/s) to one healthy receiver. Latency from each quiet log's
 *       answer to its arrival, and of the hostile organization's own healthy webhook.</li>
 * </ol>
 *
 * Every address is loopback. Every loop is bounded in count and time. Run it with bench/load.sh, from
 * the repository's root (the wrk script and the receiver are found at bench/…). --seconds and --warmup
 * are every phase's measured window and warm-up (wrk's and the JDK generator's); --clients is the JDK
 * generator's, --connections and --threads are wrk's.
 *
 * <pre>
 *   java bench/LoadHarness.java --jar target/heliograph.jar [--stores sqlite,postgres] [--clients 64]
 *       [--connections 64] [--threads 2] [--runs 3] [--seconds 15] [--warmup 20] [--rate 1000]
 *       [--backlog 1000000] [--backlog-webhooks 10] [--hang 1000]
 *       [--phases ceiling,ingest,e2e,steady,hanging,backlog,noisy] [--noisy-rate 200] [--noisy-seconds 30]
 *       [--server-opts "-XX:StartFlightRecording=filename=/tmp/x.jfr"] [--server-args "--log-committers 2"]
 *       [--server-warmup 30]
 * </pre>
 * {@code --server-opts} go to the server's JVM, {@code --server-args} after {@code serve}.
 */
public class LoadHarness {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Driven by wrk, delivered to the Node receiver. */
    static final List<String> THROUGHPUT_PHASES = List.of("ceiling", "ingest", "e2e");
    /** Driven by the JDK generator, which times every log to its webhook. */
    static final List<String> LATENCY_PHASES = List.of("steady", "hanging", "backlog", "noisy");
    /** Beside this file; paths are relative to the repository's root, where bench/load.sh runs it. */
    static final Path WRK_SCRIPT = Path.of("bench", "wrk", "log.lua");
    static final Path RECEIVER_SCRIPT = Path.of("bench", "receiver.js");
    static final String KEY = "hg_bench_" + UUID.randomUUID().toString().replace("-", "");
    static final String PADDING = "x".repeat(700);
    static final HttpClient API = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static Map<String, String> options = new LinkedHashMap<>();
    static final List<String> report = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        String[] defaults = {"stores", "sqlite,postgres", "clients", "64", "seconds", "15", "warmup", "20", "rate", "1000",
            "connections", "64", "threads", "2", "runs", "3",
            "backlog", "1000000", "backlog-webhooks", "10", "hang", "1000", "jar", "target/heliograph.jar",
            "phases", "ceiling,ingest,e2e,steady,hanging,backlog,noisy", "server-opts", "", "server-args", "", "server-warmup", "30",
            "noisy-rate", "200", "noisy-seconds", "30"};
        for (int i = 0; i < defaults.length; i += 2) {
            options.put(defaults[i], defaults[i + 1]);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("Unknown option " + args[i] + "; options: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        List<String> phases = List.of(opt("phases").split(","));
        Path jar = Path.of(opt("jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No server jar at " + jar + " (bench/load.sh builds it)");
        }
        System.out.printf("Heliograph load harness: %d cores, %s; %s s measured after %s s warm-up; wrk %s connections,"
                        + " %s threads, median of %s runs; JDK generator %s clients%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version(),
                opt("seconds"), opt("warmup"), opt("connections"), opt("threads"), opt("runs"), opt("clients"));
        boolean throughput = phases.stream().anyMatch(THROUGHPUT_PHASES::contains);
        if (throughput) {
            Wrk.ensureInstalled();
        }
        try (Receiver receiver = new Receiver(Receiver.Mode.OK); Receiver hanging = new Receiver(Receiver.Mode.HANG);
                NodeReceiver lean = throughput ? NodeReceiver.start() : null) {
            double ceiling = 0;
            if (phases.contains("ceiling")) {
                ceiling = ceiling(lean);
            }
            for (String store : opt("stores").split(",")) {
                runStore(store.trim(), jar, receiver, lean, hanging, phases, ceiling);
            }
        }
        System.out.println();
        System.out.println("## Results");
        System.out.println();
        report.forEach(System.out::println);
        System.exit(0);
    }

    static String opt(String name) {
        return options.get(name);
    }

    static int intOpt(String name) {
        return Integer.parseInt(opt(name));
    }

    // ---------------------------------------------------------------- phases

    /** wrk → the Node receiver, nothing between: what this machine's loopback HTTP does with no server at all. */
    static double ceiling(NodeReceiver receiver) throws Exception {
        System.out.println("\n# ceiling: wrk -> Node receiver, nothing between");
        PhaseRuns runs = measureRuns("ceiling", receiver.url("/ceiling"), "none", "ceiling", null, receiver);
        Window m = runs.median(Window::perSecond);
        report.add("### Plain HTTP ceiling (wrk → Node receiver, nothing between)");
        report.add("");
        report.add(String.format(Locale.ROOT, "wrk %s connections, %s threads; %s s measured after %s s warm-up; median of %d "
                + "run(s), each run's figure in brackets. CPU per request = the process's utime+stime over the measured window "
                + "÷ 2xx answers in it.", opt("connections"), opt("threads"), opt("seconds"), opt("warmup"), runs.measured().size()));
        report.add("");
        report.add("| requests/s: median (runs) | answer p50 / p99 (wrk) | non-2xx / socket errors | CPU per request: wrk / receiver "
                + "| cores busy: wrk / receiver / whole machine (of %d) |".formatted(CORES));
        report.add("|---|---|---|---|---|");
        report.add(String.format(Locale.ROOT, "| %s | %s | %s | %s / %s | %.2f / %.2f / %.2f |", runs.cell(Window::perSecond),
                m.answerCell(), runs.errorCell(), micros(m.wrk().cpuSeconds(), m.accepted()), micros(m.cpu().receiver(), m.accepted()),
                m.cores(m.wrk().cpuSeconds()), m.cores(m.cpu().receiver()), m.cpu().machineCores()));
        report.add("");
        return m.perSecond();
    }

    static void runStore(String store, Path jar, Receiver receiver, NodeReceiver lean, Receiver hanging, List<String> phases,
            double ceiling) throws Exception {
        System.out.println("\n# store: " + store);
        try (Server server = Server.start(store, jar)) {
            String title = "### " + store + " (server -Xmx512m" + (opt("server-opts").isBlank() ? "" : " " + opt("server-opts").trim())
                    + (opt("server-args").isBlank() ? "" : "; serve " + opt("server-args").trim()) + (ceiling > 0 ? String.format(Locale.ROOT, "; ceiling %.0f/s", ceiling)
                    : "") + ")";
            report.add(title);
            report.add("");
            warmUp(server, receiver);
            List<String> throughput = new ArrayList<>();
            if (phases.contains("ingest")) {
                throughput.add(ingest(server, lean, ceiling));
            }
            if (phases.contains("e2e")) {
                throughput.add(endToEnd(server, lean, ceiling));
                if (phases.stream().anyMatch(LATENCY_PHASES::contains)) {
                    server.settle(); // the next phase starts with an empty outbox
                }
            }
            if (!throughput.isEmpty()) {
                report.addAll(throughputHeader(store));
                report.addAll(throughput);
                report.add("");
            }
            List<String> rows = new ArrayList<>();
            if (phases.contains("steady")) {
                rows.add(steady(server, receiver));
                server.settle();
            }
            if (phases.contains("hanging")) {
                rows.add(hangingPhase(server, receiver, hanging));
            }
            if (phases.contains("backlog")) {
                rows.add(backlog(server, receiver, ceiling));
            }
            if (phases.contains("noisy")) {
                rows.addAll(noisyNeighbour(server, receiver));
            }
            if (!rows.isEmpty()) {
                report.add("Latency phases (open-loop JDK generator and receiver):");
                report.add("");
                report.add("| phase | logs/s accepted | deliveries/s | log accepted → webhook received p50 / p90 / p99 / max "
                        + "| log answer p50 / p99 | CPU: server / whole machine (of %d) | server peak RSS / heap | ratio to ceiling |"
                        .formatted(CORES));
                report.add("|---|---|---|---|---|---|---|---|---|");
                report.addAll(rows);
                report.add("");
            }
        }
    }

    /**
     * Not measured: the JIT compiles the server's ingest and delivery paths (on 2 cores C2 needs tens
     * of seconds; measured before it finishes, a third of the CPU goes to the compiler).
     */
    static void warmUp(Server server, Receiver receiver) throws Exception {
        int seconds = intOpt("server-warmup");
        if (seconds <= 0) {
            return;
        }
        System.out.println("\n## warm-up: " + seconds + " s of logs with a webhook, not measured");
        String id = server.createWebhook(receiver.url("/hook/warmup"), "warmup", null);
        new Plan("warmup", server.port, "/v1/request/log", KEY).clients(16).rate(1500).warmup(0).measure(seconds).run();
        Thread.sleep(2000);
        server.deleteWebhook(id);
    }

    static String ingest(Server server, NodeReceiver receiver, double ceiling) throws Exception {
        System.out.println("\n## ingest: wrk, " + opt("connections") + " connections, 1 KiB logs, no webhook");
        PhaseRuns runs = measureRuns("ingest", server.url("/v1/request/log"), KEY, "ingest", server, receiver);
        Window median = runs.median(Window::perSecond);
        return throughputRow("ingest, " + opt("connections") + " connections", runs, false,
                (ceiling > 0 ? ratio(median.perSecond(), ceiling) + "; " : "") + median.writtenCell());
    }

    /** Ingest with one webhook matching every log, to the Node receiver: deliveries keep pace or the outbox grows. */
    static String endToEnd(Server server, NodeReceiver receiver, double ceiling) throws Exception {
        System.out.println("\n## end-to-end: wrk, " + opt("connections") + " connections, one webhook to the Node receiver");
        server.createWebhook(receiver.url("/hook/e2e"), "e2e", null);
        double[] pathsBefore = server.firstAttemptPaths();
        PhaseRuns runs = measureRuns("e2e", server.url("/v1/request/log"), KEY, "e2e", server, receiver);
        // Whether deliveries kept pace: what is left in the outbox when the last run's logs stop.
        long pending = server.pending();
        double[] pathsAfter = server.firstAttemptPaths();
        double handedOver = pathsAfter[0] - pathsBefore[0];
        double claimed = pathsAfter[1] - pathsBefore[1];
        // A delivery that overflowed into the store is written twice and claimed back: the dearer path.
        double claimedShare = handedOver + claimed > 0 ? 100 * claimed / (handedOver + claimed) : 0;
        long repeats = runs.measured().stream().mapToLong(w -> w.receiverRequests() - w.deliveries()).sum();
        System.out.printf("e2e: %d deliveries pending after the last run; %d repeated deliveries in the measured windows; "
                + "first attempts: %.0f handed over, %.0f claimed from the store (%.1f %%)%n", pending, repeats, handedOver, claimed,
                claimedShare);
        Window median = runs.median(Window::perSecond);
        return throughputRow("end-to-end, " + opt("connections") + " connections", runs, true,
                (ceiling > 0 ? ratio(median.deliveriesPerSecond(), ceiling) + " (deliveries); " : "")
                        + String.format(Locale.ROOT, "%,d pending after the last run; %.1f %% of first attempts claimed from "
                                + "the store (over the phase's runs and warm-ups)", pending, claimedShare)
                        + (repeats > 0 ? String.format(Locale.ROOT, "; %,d repeated deliveries", repeats) : "")
                        + "; " + median.writtenCell());
    }

    static String steady(Server server, Receiver receiver) throws Exception {
        int rate = intOpt("rate");
        System.out.println("\n## steady: " + rate + " logs/s, open loop, one webhook");
        server.createWebhook(receiver.url("/hook/steady"), "steady", null);
        Watch watch = server.watch();
        Run run = new Plan("steady", server.port, "/v1/request/log", KEY).clients(intOpt("clients")).rate(rate)
                .track(receiver).run();
        Watch.Figures f = watch.stop();
        double delivered = receiver.countArrivals(run.accepted.keySet(), run.windowStart, run.windowEnd) / run.windowSeconds();
        Latency latency = receiver.awaitAll(run, Duration.ofSeconds(120));
        System.out.printf("steady: %.0f logs/s, %.0f deliveries/s; %s; %s%n", run.perSecond(), delivered, latency, f);
        return row("steady " + rate + " logs/s", run.perSecond(), delivered, latency, run, f, "");
    }

    static String hangingPhase(Server server, Receiver receiver, Receiver hanging) throws Exception {
        int total = intOpt("hang");
        System.out.println("\n## hanging: " + total + " deliveries, every tenth to a receiver that never answers");
        server.createWebhook(receiver.url("/hook/mixed"), "mixed", "ok");
        String hangId = server.createWebhook(hanging.url("/hang"), "mixed", "hang");
        Watch watch = server.watch();
        // 500 logs/s for two seconds: a burst the size of the issue's, not a flood.
        Plan plan = new Plan("mixed", server.port, "/v1/request/log", KEY).clients(16).rate(500).total(total)
                .lanes(i -> i % 10 == 9 ? "hang" : "ok").track(receiver, "ok").warmup(0).measure(Math.max(5, total / 500 + 5));
        Run run = plan.run();
        Latency latency = receiver.awaitAll(run, Duration.ofSeconds(60));
        Watch.Figures f = watch.stop();
        int held = hanging.open.get();
        System.out.printf("hanging: %d ok deliveries %s; the hanging receiver holds %d requests; %s%n",
                run.accepted.size(), latency, held, f);
        server.deleteWebhook(hangId);
        return row("hanging: " + total + " deliveries, 10 % hang (the other " + run.accepted.size() + ")", run.perSecond(), null,
                latency, run, f, held + " held open by the hanging receiver");
    }

    static String backlog(Server server, Receiver receiver, double ceiling) throws Exception {
        int target = intOpt("backlog");
        int hooks = intOpt("backlog-webhooks");
        int logs = (target + hooks - 1) / hooks;
        long expected = (long) logs * hooks;
        System.out.printf("%n## backlog: the receiver is down (holds every request) while %d logs x %d webhooks = %d deliveries"
                + " pile up; then it recovers and the drain is timed%n", logs, hooks, expected);
        receiver.paused = new java.util.concurrent.CountDownLatch(1);
        receiver.backlogDelivered.clear(); // the receiver outlives a store's run
        for (int i = 0; i < hooks; i++) {
            server.createWebhook(receiver.url("/hook/backlog"), "backlog", null);
        }
        long fillStart = System.nanoTime();
        Run fill = new Plan("backlog", server.port, "/v1/request/log", KEY).clients(intOpt("clients")).total(logs).warmup(0)
                .measure(3600).run();
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        long pending = server.pending();
        System.out.printf("filled in %.0f s (%d logs accepted, %d failed); pending deliveries: %d%n", fillSeconds,
                fill.ok.sum(), fill.failed.sum(), pending);
        Watch watch = server.watch();
        long t0 = System.nanoTime();
        receiver.paused.countDown();
        receiver.paused = null;
        long deadline = t0 + Duration.ofMinutes(60).toNanos();
        List<long[]> samples = new ArrayList<>(); // {nanos, delivered}
        while (System.nanoTime() < deadline) {
            long got = receiver.backlogDelivered.size();
            samples.add(new long[] {System.nanoTime(), got});
            if (got >= expected) {
                break;
            }
            if (samples.size() % 10 == 0) {
                System.out.printf("  drained %d / %d (%.0f/s)%n", got, expected, got / ((System.nanoTime() - t0) / 1e9));
            }
            Thread.sleep(1000);
        }
        Watch.Figures f = watch.stop();
        long drained = samples.get(samples.size() - 1)[1];
        double seconds = (samples.get(samples.size() - 1)[0] - t0) / 1e9;
        double rate = drained / seconds;
        // "Full speed" throughout: the rate over the first and the last tenth of the drain.
        double first = windowRate(samples, 0, 0.1);
        double last = windowRate(samples, 0.9, 1.0);
        System.out.printf("backlog: %d / %d drained in %.0f s: %.0f/s (first tenth %.0f/s, last tenth %.0f/s); %s%n", drained,
                expected, seconds, rate, first, last, f);
        return row(String.format(Locale.ROOT, "backlog: %,d pending (%d webhooks) drained %,d in %.0f s; first / last tenth "
                        + "%.0f / %.0f per s", pending, hooks, drained, seconds, first, last), fill.ok.sum() / fillSeconds, rate,
                null, fill, f, ratio(rate, ceiling) + " (deliveries)");
    }

    /**
     * A hostile tenant beside a quiet one (the spec's isolation promise: a delivery to a healthy
     * receiver arrives at p99 within 100 ms of its log's answer, however the other webhooks behave).
     */
    static List<String> noisyNeighbour(Server server, Receiver receiver) throws Exception {
        int rate = intOpt("noisy-rate");
        System.out.println("\n## noisy neighbour: 1,000 black-holed + 100 slow + 100 failing webhooks, ~100,000 pending, beside "
                + rate + " logs/s of a quiet organization");
        List<Receiver> hostile = new ArrayList<>();
        try {
            List<Receiver> blackHoles = new ArrayList<>();
            List<Receiver> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                blackHoles.add(new Receiver(Receiver.Mode.HANG));
            }
            for (int i = 0; i < 5; i++) {
                slow.add(new Receiver(Receiver.Mode.SLOW));
            }
            Receiver failing = new Receiver(Receiver.Mode.FAIL);
            hostile.addAll(blackHoles);
            hostile.addAll(slow);
            hostile.add(failing);
            String noisyKey = server.createKey("noisy-neighbour");
            for (int i = 0; i < 1000; i++) {
                server.createWebhook(noisyKey, blackHoles.get(i % 20).url("/hang/" + i), null, null);
            }
            for (int i = 0; i < 100; i++) {
                server.createWebhook(noisyKey, slow.get(i % 5).url("/slow/" + i), null, null);
                server.createWebhook(noisyKey, failing.url("/fail/" + i), null, null);
            }
            server.createWebhook(noisyKey, receiver.url("/hook/noisy-own"), null, null);
            Run backlog = new Plan("noisy-backlog", server.port, "/v1/request/log", noisyKey).clients(4).total(84).warmup(0)
                    .measure(600).run();
            long pendingBefore = server.pending();
            System.out.printf("hostile tenant: %d logs x 1,201 webhooks; pending deliveries: %d%n", backlog.ok.sum(), pendingBefore);

            // As in the fault suite: the hostile tenant settles in (its receivers hang, time out and
            // fail) before the quiet organization starts, so the figure is the steady state beside it.
            Thread.sleep(20_000);
            server.createWebhook(receiver.url("/hook/noisy"), "noisy", null);
            Watch watch = server.watch();
            // The hostile tenant keeps logging, one a second, beside the quiet one.
            Plan own = new Plan("noisy-own", server.port, "/v1/request/log", noisyKey).clients(2).rate(1).warmup(0)
                    .measure(intOpt("noisy-seconds")).track(receiver);
            Run[] ownRun = new Run[1];
            Thread ownThread = Thread.ofVirtual().start(() -> {
                try {
                    ownRun[0] = own.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Run run = new Plan("noisy", server.port, "/v1/request/log", KEY).clients(intOpt("clients")).rate(rate).warmup(5)
                    .measure(intOpt("noisy-seconds")).track(receiver).run();
            ownThread.join();
            Watch.Figures f = watch.stop();
            Latency quiet = receiver.awaitAll(run, Duration.ofSeconds(60));
            Latency ownLatency = receiver.awaitAll(ownRun[0], Duration.ofSeconds(60));
            double probing = metric(server.get("/metrics").body(), "heliograph_webhooks_probing");
            double inFlight = metric(server.get("/metrics").body(), "heliograph_deliveries_in_flight");
            long pendingAfter = server.pending();
            System.out.printf("noisy: quiet org %.0f logs/s, %s; hostile org's own healthy webhook %s; pending %d -> %d; "
                    + "probing %.0f, in flight %.0f; %s%n", run.perSecond(), quiet, ownLatency, pendingBefore, pendingAfter, probing,
                    inFlight, f);
            return List.of(
                    row("noisy neighbour: quiet org at " + rate + " logs/s beside " + String.format(Locale.ROOT, "%,d", pendingBefore)
                            + " hostile deliveries pending", run.perSecond(), null, quiet, run, f,
                            String.format(Locale.ROOT, "%.0f webhooks probing, %.0f in flight at the end", probing, inFlight)),
                    row("noisy neighbour: the hostile org's own healthy webhook (1 log/s)", ownRun[0].perSecond(), null, ownLatency,
                            ownRun[0], f, ""));
        } finally {
            for (Receiver r : hostile) {
                r.close();
            }
        }
    }

    static double windowRate(List<long[]> samples, double from, double to) {
        int a = (int) Math.floor(from * (samples.size() - 1));
        int b = Math.max(a + 1, (int) Math.ceil(to * (samples.size() - 1)));
        if (b >= samples.size()) {
            return 0;
        }
        return (samples.get(b)[1] - samples.get(a)[1]) / ((samples.get(b)[0] - samples.get(a)[0]) / 1e9);
    }

    static String row(String phase, double logs, Double deliveries, Latency latency, Run run, Watch.Figures f, String ratio) {
        return String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.2f / %.2f ms | %.2f / %.2f cores | %d / %d MiB | %s |", phase,
                logs, deliveries == null ? "—" : String.format(Locale.ROOT, "%.0f", deliveries),
                latency == null ? "—" : latency.cell(), ms(run.answers, 0.5), ms(run.answers, 0.99), f.cores(), f.machineCores(),
                f.peakRssMiB(), f.peakHeapMiB(), ratio);
    }

    static String ratio(double value, double ceiling) {
        return ceiling > 0 ? String.format(Locale.ROOT, "%.0f %%", 100 * value / ceiling) : "";
    }

    // ---------------------------------------------------------------- throughput runs (wrk, Node receiver)

    /** Every measured window of a phase, and the warm-ups before them (whose errors are shown too). */
    record PhaseRuns(List<Window> measured, List<WrkResult> warmups) {
        /** The run whose figure is the median (of an even count, the lower middle). */
        Window median(ToDoubleFunction<Window> figure) {
            List<Window> sorted = new ArrayList<>(measured);
            sorted.sort(Comparator.comparingDouble(figure));
            return sorted.get((sorted.size() - 1) / 2);
        }

        /** "12,345 (11,900 / 12,345 / 12,800)": the median, then each run's figure in run order. */
        String cell(ToDoubleFunction<Window> figure) {
            String median = String.format(Locale.ROOT, "%,.0f", figure.applyAsDouble(median(figure)));
            if (measured.size() == 1) {
                return median;
            }
            List<String> each = measured.stream().map(w -> String.format(Locale.ROOT, "%,.0f", figure.applyAsDouble(w))).toList();
            return median + " (" + String.join(" / ", each) + ")";
        }

        /** Non-2xx and socket errors summed over every measured run, so that a refusal in any run shows. */
        String errorCell() {
            String cell = errors(measured.stream().map(Window::wrk).toList());
            long warmupErrors = warmups.stream().mapToLong(w -> w.non2xx() + w.socketErrors()).sum();
            return warmupErrors == 0 ? cell : cell + "; warm-ups: " + errors(warmups);
        }

        static String errors(List<WrkResult> results) {
            long non2xx = results.stream().mapToLong(WrkResult::non2xx).sum();
            long connect = results.stream().mapToLong(WrkResult::connect).sum();
            long read = results.stream().mapToLong(WrkResult::read).sum();
            long write = results.stream().mapToLong(WrkResult::write).sum();
            long timeout = results.stream().mapToLong(WrkResult::timeout).sum();
            long sockets = connect + read + write + timeout;
            return String.format(Locale.ROOT, "%,d / %,d", non2xx, sockets) + (sockets == 0 ? ""
                    : String.format(Locale.ROOT, " (connect %d, read %d, write %d, timeout %d)", connect, read, write, timeout));
        }
    }

    /**
     * One measured wrk window: wrk's summary, the CPU each process spent in it, the deliveries the Node
     * receiver got in it, and the server's peak RSS.
     */
    record Window(WrkResult wrk, Cpu cpu, long deliveries, long receiverRequests, long peakRssMiB) {
        /** Requests answered 2xx: logs accepted (or, for the ceiling, requests served). */
        long accepted() {
            return wrk.requests() - wrk.non2xx();
        }

        double perSecond() {
            return accepted() / wrk.seconds();
        }

        double deliveriesPerSecond() {
            return deliveries / cpu.seconds();
        }

        /** CPU-seconds over the window as cores busy. */
        double cores(double cpuSeconds) {
            return cpuSeconds / cpu.seconds();
        }

        String answerCell() {
            return String.format(Locale.ROOT, "%.2f / %.2f ms", wrk.p50us() / 1e3, wrk.p99us() / 1e3);
        }

        /**
         * Storage writes per 2xx answer (/proc/<pid>/io write_bytes): what a commit's pages cost the disk,
         * which moves far less with the machine's noise than CPU or rate do.
         */
        String writtenCell() {
            if (accepted() <= 0) {
                return "no answers";
            }
            StringBuilder parts = new StringBuilder();
            cpu.serverParts().forEach((part, seconds) -> {
                if (seconds > 0) {
                    parts.append(parts.isEmpty() ? "" : ", ").append(part).append(' ').append(micros(seconds, accepted()));
                }
            });
            return String.format(Locale.ROOT, "written per log: server %.1f KiB", cpu.serverWritten() / 1024.0 / accepted())
                    + (cpu.postgres() > 0 ? String.format(Locale.ROOT, ", PostgreSQL %.1f KiB", cpu.postgresWritten() / 1024.0 / accepted())
                    : "")
                    + (parts.isEmpty() ? "" : "; server CPU per log by thread: " + parts);
        }
    }

    /** "123 µs": CPU-seconds per event, or — when nothing happened. */
    static String micros(double cpuSeconds, long events) {
        return events <= 0 ? "—" : String.format(Locale.ROOT, "%,.0f µs", cpuSeconds * 1e6 / events);
    }

    /**
     * {@code --runs} times: a warm-up with wrk (not measured: the server's JIT, connection pools and the
     * page cache settle), then a measured wrk window with the CPU of every process read before and after.
     */
    static PhaseRuns measureRuns(String phase, String url, String key, String scenario, Server server, NodeReceiver receiver)
            throws Exception {
        List<Window> measured = new ArrayList<>();
        List<WrkResult> warmups = new ArrayList<>();
        int runs = intOpt("runs");
        for (int i = 1; i <= runs; i++) {
            if (intOpt("warmup") > 0) {
                WrkResult warm = Wrk.run(url, key, scenario, intOpt("warmup"));
                warmups.add(warm);
                System.out.printf("  %s run %d/%d warm-up: %,.0f/s, %s non-2xx / socket errors%n", phase, i, runs,
                        (warm.requests() - warm.non2xx()) / warm.seconds(), PhaseRuns.errors(List.of(warm)));
            }
            Window w = measureWindow(url, key, scenario, server, receiver);
            measured.add(w);
            System.out.println("  " + phase + " run " + i + "/" + runs + ": " + summary(w, server));
        }
        return new PhaseRuns(measured, warmups);
    }

    /** One run on the console: rates, errors, and each process's CPU per 2xx answer and in cores. */
    static String summary(Window w, Server server) {
        StringBuilder perAnswer = new StringBuilder();
        StringBuilder cores = new StringBuilder();
        Map<String, Double> cpu = new LinkedHashMap<>();
        if (server != null) {
            cpu.put("server", w.cpu().server());
        }
        if (server != null && server.database != null) {
            cpu.put("PostgreSQL", w.cpu().postgres());
        }
        cpu.put("wrk", w.wrk().cpuSeconds());
        cpu.put("receiver", w.cpu().receiver());
        cpu.forEach((name, seconds) -> {
            perAnswer.append(perAnswer.isEmpty() ? "" : ", ").append(name).append(' ').append(micros(seconds, w.accepted()));
            cores.append(String.format(Locale.ROOT, "%s %.2f, ", name, w.cores(seconds)));
        });
        return String.format(Locale.ROOT, "%,.0f/s accepted, %,.0f deliveries/s, %s non-2xx / socket errors, answer p50 / p99 %s;"
                + " CPU per 2xx answer: %s; cores: %smachine %.2f of %d; %s", w.perSecond(), w.deliveriesPerSecond(),
                PhaseRuns.errors(List.of(w.wrk())), w.answerCell(), perAnswer, cores, w.cpu().machineCores(), CORES, w.writtenCell());
    }

    static Window measureWindow(String url, String key, String scenario, Server server, NodeReceiver receiver) throws Exception {
        Watch rss = server == null ? null : new Watch(server, false);
        long[] statsBefore = receiver.stats();
        CpuSnapshot before = CpuSnapshot.take(server, receiver);
        WrkResult wrk = Wrk.run(url, key, scenario, intOpt("seconds"));
        CpuSnapshot after = CpuSnapshot.take(server, receiver);
        long[] statsAfter = receiver.stats();
        long peakRss = rss == null ? 0 : rss.stop().peakRssMiB();
        return new Window(wrk, before.until(after), statsAfter[1] - statsBefore[1], statsAfter[0] - statsBefore[0], peakRss);
    }

    static List<String> throughputHeader(String store) {
        boolean postgres = store.equals("postgres");
        return List.of(String.format(Locale.ROOT, "Throughput phases: wrk (%s connections, %s threads, bench/wrk/log.lua) → server"
                        + " → Node receiver (bench/receiver.js); %s s measured after %s s warm-up; median of %s run(s), each run's"
                        + " figure in brackets; every other cell is the median run's (by logs/s). CPU = the process's utime+stime"
                        + " (/proc/<pid>/stat) over the measured window; per log = ÷ logs accepted (2xx) in it; per (log + delivery)"
                        + " = ÷ (logs accepted + deliveries received).%s Errors: wrk's non-2xx answers / socket errors (connect,"
                        + " read, write, timeout) summed over the measured runs.", opt("connections"), opt("threads"), opt("seconds"),
                        opt("warmup"), opt("runs"), postgres ? " PostgreSQL = every `postgres:` process (pgrep -f), backends and"
                                + " background workers." : ""),
                "",
                "| phase | logs/s accepted: median (runs) | deliveries/s received: median (runs) | answer p50 / p99 (wrk) "
                        + "| non-2xx / socket errors | server CPU per log / per (log + delivery) "
                        + "| PostgreSQL CPU per log / per (log + delivery) "
                        + "| cores busy: server / PostgreSQL / wrk / receiver / whole machine (of %d) | server peak RSS "
                        .formatted(CORES) + "| ratio to ceiling; notes |",
                "|---|---|---|---|---|---|---|---|---|---|");
    }

    static String throughputRow(String phase, PhaseRuns runs, boolean delivers, String ratio) {
        Window m = runs.median(Window::perSecond);
        Cpu cpu = m.cpu();
        boolean postgres = cpu.postgres() > 0;
        long events = m.accepted() + m.deliveries();
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s / %s | %s | %.2f / %s / %.2f / %.2f / %.2f | %d MiB | %s |",
                phase, runs.cell(Window::perSecond), delivers ? runs.cell(Window::deliveriesPerSecond) : "—", m.answerCell(),
                runs.errorCell(), micros(cpu.server(), m.accepted()), delivers ? micros(cpu.server(), events) : "—",
                postgres ? micros(cpu.postgres(), m.accepted()) + " / " + (delivers ? micros(cpu.postgres(), events) : "—") : "—",
                m.cores(cpu.server()), postgres ? String.format(Locale.ROOT, "%.2f", m.cores(cpu.postgres())) : "—",
                m.cores(m.wrk().cpuSeconds()), m.cores(cpu.receiver()), cpu.machineCores(), m.peakRssMiB(), ratio);
    }

    /** wrk's summary of one invocation, from the HG_RESULT line of bench/wrk/log.lua, and wrk's own CPU-seconds. */
    record WrkResult(long requests, long non2xx, long connect, long read, long write, long timeout, double seconds, long p50us,
            long p99us, long maxUs, double cpuSeconds) {
        long socketErrors() {
            return connect + read + write + timeout;
        }
    }

    static final class Wrk {
        private static final Pattern FIELD = Pattern.compile("(\\w+)=([0-9.]+)");
        /** bash's {@code times}: its own user and system time, then its children's (wrk's), as 0m1.234s. */
        private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$");
        private static final java.util.Random RANDOM = new java.util.Random();

        /** Installs the Debian package when wrk is missing (with sudo unless root). */
        static void ensureInstalled() throws IOException, InterruptedException {
            if (bash("command -v wrk >/dev/null") == 0) {
                return;
            }
            System.out.println("wrk is missing; installing the Debian package");
            int status = bash("s=; [ \"$(id -u)\" -eq 0 ] || s=sudo; $s apt-get update -qq && "
                    + "$s env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk");
            if (status != 0 || bash("command -v wrk >/dev/null") != 0) {
                throw new IllegalStateException("Could not install wrk (apt-get install wrk)");
            }
        }

        private static int bash(String script) throws IOException, InterruptedException {
            return new ProcessBuilder("bash", "-c", script).inheritIO().start().waitFor();
        }

        /**
         * One wrk invocation of {@code seconds}. It runs under bash so that {@code times} reports wrk's
         * CPU exactly once wrk has exited (its /proc entry is gone by then).
         */
        static WrkResult run(String url, String key, String scenario, int seconds) throws IOException, InterruptedException {
            String nonce = String.format("%08x", RANDOM.nextInt() & 0x7fffffff); // request ids never repeat across runs
            List<String> command = List.of("bash", "-c", "wrk \"$@\"; rc=$?; times; exit $rc", "wrk", "--threads", opt("threads"),
                    "--connections", opt("connections"), "--duration", seconds + "s", "--timeout", "10s", "--script",
                    WRK_SCRIPT.toString(), url, "--", key, scenario, nonce);
            // stdout (wrk's summary, HG_RESULT, then times) apart from stderr, so the two never interleave.
            Path output = Files.createTempFile("heliograph-wrk-", ".txt");
            Path errors = Files.createTempFile("heliograph-wrk-", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
                if (!p.waitFor(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new IllegalStateException("wrk did not end after " + (seconds + 60) + " s");
                }
                return parse(Files.readString(output), Files.readString(errors), p.exitValue());
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        }

        static WrkResult parse(String output, String errors, int exitValue) {
            String result = output.lines().filter(l -> l.startsWith("HG_RESULT ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("wrk exited " + exitValue + " without a result:\n" + output + errors));
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(result);
            while (m.find()) {
                f.put(m.group(1), m.group(2));
            }
            List<String> lines = output.strip().lines().toList();
            Matcher t = TIMES.matcher(lines.get(lines.size() - 1));
            double cpu = t.find() ? 60 * Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2))
                    + 60 * Double.parseDouble(t.group(3)) + Double.parseDouble(t.group(4)) : Double.NaN;
            return new WrkResult(Long.parseLong(f.get("requests")), Long.parseLong(f.get("non2xx")), Long.parseLong(f.get("connect")),
                    Long.parseLong(f.get("read")), Long.parseLong(f.get("write")), Long.parseLong(f.get("timeout")),
                    Double.parseDouble(f.get("seconds")), Long.parseLong(f.get("p50_us")), Long.parseLong(f.get("p99_us")),
                    Long.parseLong(f.get("max_us")), cpu);
        }
    }

    /**
     * bench/receiver.js in its own process: answers 200 to every POST and counts requests and distinct
     * webhook-id values, which {@link #stats()} reads over HTTP.
     */
    static final class NodeReceiver implements Closeable {
        private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        final Process process;
        final int port;

        private NodeReceiver(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Port 0: the receiver takes a free port and says which on its first line (no probe-then-bind race). */
        static NodeReceiver start() throws IOException {
            if (!Files.isRegularFile(RECEIVER_SCRIPT)) {
                throw new IllegalStateException("No " + RECEIVER_SCRIPT + "; run the harness from the repository's root");
            }
            Process p = new ProcessBuilder("node", RECEIVER_SCRIPT.toString(), "0").redirectErrorStream(true).start();
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher m = LISTENING.matcher(first == null ? "" : first);
            if (!m.find()) {
                p.destroyForcibly();
                throw new IllegalStateException("The Node receiver did not start: " + first);
            }
            NodeReceiver receiver = new NodeReceiver(p, Integer.parseInt(m.group(1)));
            System.out.println("Node receiver pid " + p.pid() + " on port " + receiver.port);
            return receiver;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        /** {requests, distinct deliveries} since it started. */
        long[] stats() throws IOException, InterruptedException {
            String body = API.send(HttpRequest.newBuilder(URI.create(url("/stats"))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return new long[] {(long) metricJson(body, "requests"), (long) metricJson(body, "deliveries")};
        }

        static double metricJson(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*([0-9.]+)").matcher(json);
            if (!m.find()) {
                throw new IllegalStateException("No " + name + " in " + json);
            }
            return Double.parseDouble(m.group(1));
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** CPU-seconds spent by each process over a window of {@code seconds}, and the whole machine's busy cores. */
    record Cpu(double seconds, double server, double postgres, double receiver, double machineCores, long serverWritten,
            long postgresWritten, Map<String, Double> serverParts) {
    }

    /** The CPU clock ticks of the processes a window is charged to, at one instant. */
    record CpuSnapshot(long nanos, long server, long receiver, Map<Long, Long> postgres, long[] machine, long serverWritten,
            Map<Long, Long> postgresWritten, Map<String, Long> serverParts) {
        static CpuSnapshot take(Server server, NodeReceiver receiver) {
            boolean postgres = server != null && server.database != null;
            Map<Long, Long> postgresTicks = postgres ? Proc.postgresTicks() : Map.of();
            Map<Long, Long> postgresWritten = new LinkedHashMap<>();
            postgresTicks.keySet().forEach(pid -> postgresWritten.put(pid, Proc.written(pid)));
            return new CpuSnapshot(System.nanoTime(), server == null ? 0 : Proc.ticks(server.process.pid()),
                    Proc.ticks(receiver.process.pid()), postgresTicks, Watch.machine(),
                    server == null ? 0 : Proc.written(server.process.pid()), postgresWritten,
                    server == null ? Map.of() : Proc.partTicks(server.process.pid()));
        }

        Cpu until(CpuSnapshot later) {
            // A PostgreSQL process started in the window counts from zero; one that ended in it is lost
            // (the server's pool keeps its connections, so neither happens in a steady run).
            long postgresTicks = 0;
            for (Map.Entry<Long, Long> e : later.postgres.entrySet()) {
                postgresTicks += e.getValue() - postgres.getOrDefault(e.getKey(), 0L);
            }
            long postgresWritten = 0;
            for (Map.Entry<Long, Long> e : later.postgresWritten.entrySet()) {
                postgresWritten += e.getValue() - this.postgresWritten.getOrDefault(e.getKey(), 0L);
            }
            double busyShare = (later.machine[0] - machine[0]) / (double) Math.max(1, later.machine[1] - machine[1]);
            Map<String, Double> parts = new LinkedHashMap<>();
            later.serverParts.forEach((part, ticks) -> parts.put(part, Proc.seconds(ticks - serverParts.getOrDefault(part, 0L))));
            return new Cpu((later.nanos - nanos) / 1e9, Proc.seconds(later.server - server), Proc.seconds(postgresTicks),
                    Proc.seconds(later.receiver - receiver), busyShare * CORES, later.serverWritten - serverWritten,
                    postgresWritten, parts);
        }
    }

    /** Per-process CPU from /proc/<pid>/stat. */
    static final class Proc {
        /** Clock ticks per second of /proc's utime and stime (getconf CLK_TCK; 100 on Linux almost always). */
        static final long CLK_TCK = clockTicks();

        static long clockTicks() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.waitFor() == 0 ? Long.parseLong(out) : 100;
            } catch (IOException | InterruptedException | NumberFormatException e) {
                return 100;
            }
        }

        static double seconds(long ticks) {
            return ticks / (double) CLK_TCK;
        }

        /** utime + stime of a process (all its threads), in clock ticks; 0 once it is gone. */
        static long ticks(long pid) {
            try {
                return statTicks(Path.of("/proc/" + pid + "/stat"));
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        /** utime + stime of a /proc stat file (a process's or one thread's), in clock ticks. */
        static long statTicks(Path stat) throws IOException {
            String text = Files.readString(stat);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        /**
         * The server's CPU by part (its threads' names, /proc/<pid>/task/<tid>/comm), in clock ticks: the
         * log committer, the attempt recorder, the SQLite checkpointer, the virtual threads' carriers
         * (request handling and deliveries, the delivery client's included), the JIT compilers and the
         * garbage collector, and everything else (the claimer, the poller, the main thread). A thread that
         * ends within a window takes its ticks with it; these threads live as long as the server.
         */
        static Map<String, Long> partTicks(long pid) {
            Map<String, Long> parts = new LinkedHashMap<>();
            for (String part : List.of("log committer", "attempt recorder", "checkpointer", "carriers", "JIT and GC", "other")) {
                parts.put(part, 0L);
            }
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String name;
                    long ticks;
                    try {
                        name = Files.readString(task.resolve("comm")).trim();
                        ticks = statTicks(task.resolve("stat"));
                    } catch (IOException | RuntimeException e) {
                        continue; // ended meanwhile
                    }
                    String part = name.startsWith("log-committer") ? "log committer"
                            : name.startsWith("delivery-record") ? "attempt recorder"
                            : name.startsWith("sqlite-checkpoi") ? "checkpointer"
                            : name.startsWith("ForkJoinPool") ? "carriers"
                            : name.startsWith("C1 ") || name.startsWith("C2 ") || name.startsWith("GC ") || name.startsWith("G1 ")
                                    || name.equals("VM Thread") ? "JIT and GC" : "other";
                    parts.merge(part, ticks, Long::sum);
                }
            } catch (IOException | RuntimeException e) {
                return Map.of();
            }
            return parts;
        }

        /**
         * Bytes a process caused to be written to storage ({@code write_bytes} of /proc/<pid>/io: the
         * store's WAL and checkpoints, not sockets); 0 once it is gone or unreadable.
         */
        static long written(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                    if (line.startsWith("write_bytes:")) {
                        return Long.parseLong(line.substring("write_bytes:".length()).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not ours to read
            }
            return 0;
        }

        /** pid → ticks of every {@code postgres:} process (backends and background workers; the titles they set). */
        static Map<Long, Long> postgresTicks() {
            Map<Long, Long> ticks = new LinkedHashMap<>();
            try {
                Process p = new ProcessBuilder("pgrep", "-f", "postgres:").redirectErrorStream(true).start();
                for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        long pid = Long.parseLong(line.trim());
                        ticks.put(pid, ticks(pid));
                    }
                }
                p.waitFor();
            } catch (IOException | InterruptedException | NumberFormatException e) {
                System.out.println("  pgrep: " + e);
            }
            return ticks;
        }
    }

    // ---------------------------------------------------------------- load generator

    /** One run of the generator: who it posts to, how many clients, closed loop or a fixed rate. */
    static final class Plan {
        final String scenario;
        final int port;
        final String path;
        final String key;
        int clients = 64;
        double rate; // 0: as fast as answers come
        long total; // 0: until the time is up
        int warmupSeconds = intOpt("warmup");
        int measureSeconds = intOpt("seconds");
        LongFunction<String> lanes = i -> "main";
        Receiver tracked;
        String trackedLane; // null: every lane

        Plan(String scenario, int port, String path, String key) {
            this.scenario = scenario;
            this.port = port;
            this.path = path;
            this.key = key;
        }

        Plan clients(int n) { clients = n; return this; }
        Plan rate(double r) { rate = r; return this; }
        Plan total(long t) { total = t; return this; }
        Plan warmup(int s) { warmupSeconds = s; return this; }
        Plan measure(int s) { measureSeconds = s; return this; }
        Plan lanes(LongFunction<String> l) { lanes = l; return this; }
        Plan track(Receiver r) { tracked = r; return this; }
        Plan track(Receiver r, String lane) { tracked = r; trackedLane = lane; return this; }

        Run run() throws InterruptedException {
            Run run = new Run();
            long start = System.nanoTime();
            run.windowStart = start + warmupSeconds * 1_000_000_000L;
            run.windowEnd = run.windowStart + measureSeconds * 1_000_000_000L;
            AtomicLong tickets = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "Content-Type: application/json\r\n";
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    Client client = null;
                    while (true) {
                        long ticket = tickets.getAndIncrement();
                        if (total > 0 && ticket >= total) {
                            break;
                        }
                        long scheduled = System.nanoTime();
                        if (rate > 0) {
                            scheduled = start + (long) (ticket * 1e9 / rate);
                            long wait;
                            while ((wait = scheduled - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        if (scheduled >= run.windowEnd) {
                            break;
                        }
                        String id = UUID.randomUUID().toString();
                        String lane = lanes.apply(ticket);
                        byte[] body = log(id, scenario, lane);
                        byte[] request = (head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                        try {
                            if (client == null) {
                                client = new Client(port);
                            }
                            int status = client.post(request, body);
                            long answered = System.nanoTime();
                            if (status == 200) {
                                if (answered >= run.windowStart && answered < run.windowEnd) {
                                    run.ok.increment();
                                    run.answers.add(answered - scheduled);
                                } else if (total > 0) {
                                    run.ok.increment();
                                }
                                if (tracked != null && (trackedLane == null || trackedLane.equals(lane))) {
                                    run.accepted.put(id, answered);
                                }
                            } else {
                                run.failed.increment();
                                if (run.failed.sum() < 5) {
                                    System.out.println("  answer " + status + " to a log");
                                }
                            }
                        } catch (IOException e) {
                            run.failed.increment();
                            if (client != null) {
                                client.close();
                                client = null;
                            }
                        }
                    }
                    if (client != null) {
                        client.close();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(warmupSeconds + measureSeconds + 120));
            }
            run.windowEnd = Math.min(run.windowEnd, System.nanoTime());
            if (total > 0) {
                run.windowStart = Math.min(run.windowStart, start);
            }
            return run;
        }
    }

    static final class Run {
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Samples answers = new Samples();
        /** Request id → when its answer arrived (nanoTime), for logs whose webhook is followed. */
        final Map<String, Long> accepted = new ConcurrentHashMap<>();
        long windowStart;
        long windowEnd;

        double windowSeconds() {
            return (windowEnd - windowStart) / 1e9;
        }

        double perSecond() {
            return ok.sum() / windowSeconds();
        }
    }

    /** A ~1 KiB chat-completion log that started 930 ms ago and ended now, as a logger would send it. */
    static byte[] log(String id, String scenario, String lane) {
        java.time.Instant now = java.time.Instant.now();
        return ("{\"request_id\":\"" + id + "\",\"model\":\"gpt-4o\",\"provider\":\"OPENAI\",\"status\":200,"
                + "\"started_at\":\"" + now.minusMillis(930) + "\",\"ended_at\":\"" + now + "\","
                + "\"properties\":{\"scenario\":\"" + scenario + "\",\"lane\":\"" + lane + "\"},"
                + "\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PADDING + "\"}]},"
                + "\"response\":{\"choices\":[{\"message\":{\"content\":\"Hi!\"}}],\"usage\":{\"prompt_tokens\":13,"
                + "\"completion_tokens\":17}}}").getBytes(StandardCharsets.UTF_8);
    }

    /** A keep-alive HTTP/1.1 connection: one request at a time, the answer read whole. */
    static final class Client implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(LOOPBACK, port), 5000);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }

        int post(byte[] head, byte[] body) throws IOException {
            byte[] all = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            out.write(all);
            out.flush();
            String status = Http.line(in);
            if (status == null || status.length() < 12) {
                throw new IOException("connection closed");
            }
            Http.skipBody(in, Http.headers(in));
            return Integer.parseInt(status.substring(9, 12));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    static final class Http {
        static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    int n = sb.length();
                    return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
                }
                sb.append((char) b);
            }
            return sb.isEmpty() ? null : sb.toString();
        }

        static Map<String, String> headers(InputStream in) throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while ((line = line(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            return headers;
        }

        static byte[] skipBody(InputStream in, Map<String, String> headers) throws IOException {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                while (true) {
                    String size = line(in);
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        headers(in);
                        return all.toByteArray();
                    }
                    all.write(in.readNBytes(n));
                    line(in);
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed mid-body");
            }
            return body;
        }
    }

    // ---------------------------------------------------------------- receiver

    /**
     * The webhook receiver: HTTP/1.1 keep-alive on loopback, a virtual thread per connection, 200 with
     * no body. Records when each request id first arrives. The hanging one reads the request and then
     * never answers, until the sender gives up and closes the connection.
     */
    static final class Receiver implements Closeable {
        private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        private static final byte[] FAILED = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);

        /** OK answers at once; HANG holds every request open; SLOW answers after 5 s; FAIL answers 500 at once. */
        enum Mode { OK, HANG, SLOW, FAIL }

        final ServerSocket server;
        final int port;
        final Mode mode;
        final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
        final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();
        final LongAdder duplicates = new LongAdder();
        /** Distinct deliveries (webhook-id) of the backlog phase answered 200. */
        final java.util.Set<String> backlogDelivered = ConcurrentHashMap.newKeySet();
        volatile java.util.concurrent.CountDownLatch paused;
        final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        Receiver(Mode mode) throws IOException {
            this.mode = mode;
            server = new ServerSocket(0, 1024, LOOPBACK);
            port = server.getLocalPort();
            Thread.ofPlatform().daemon().name("receiver-" + port).start(this::accept);
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        private void accept() {
            while (!closed.get()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                OutputStream out = s.getOutputStream();
                String requestLine;
                while ((requestLine = Http.line(in)) != null) {
                    if (requestLine.isEmpty()) {
                        continue;
                    }
                    Map<String, String> headers = Http.headers(in);
                    byte[] body = Http.skipBody(in, headers);
                    long now = System.nanoTime();
                    String path = requestLine.split(" ")[1];
                    byPath.computeIfAbsent(path, p -> new LongAdder()).increment();
                    if (path.equals("/hook/backlog")) {
                        // An outage: while paused, hold each request (Heliograph times out at 15 s and retries).
                        java.util.concurrent.CountDownLatch latch = paused;
                        if (latch != null) {
                            try {
                                latch.await();
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        out.write(OK);
                        out.flush();
                        backlogDelivered.add(headers.getOrDefault("webhook-id", ""));
                        continue;
                    }
                    if (mode == Mode.SLOW) {
                        try {
                            Thread.sleep(5_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        out.write(OK);
                        out.flush();
                        continue;
                    }
                    if (mode == Mode.FAIL) {
                        out.write(FAILED);
                        out.flush();
                        continue;
                    }
                    if (mode == Mode.HANG) {
                        open.incrementAndGet();
                        try {
                            while (in.read() != -1) {
                                // hold the request until the sender closes the connection
                            }
                        } finally {
                            open.decrementAndGet();
                        }
                        return;
                    }
                    if (!path.equals("/ceiling") && !path.equals("/hook/backlog")) {
                        String id = requestId(body);
                        if (id != null && firstArrival.putIfAbsent(id, now) != null) {
                            duplicates.increment();
                        }
                    }
                    out.write(OK);
                    out.flush();
                }
            } catch (IOException e) {
                // the sender closed the connection
            } finally {
                sockets.remove(s);
            }
        }

        static String requestId(byte[] body) {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("\"request_id\":\"");
            return at < 0 ? null : text.substring(at + 14, text.indexOf('"', at + 14));
        }

        long arrivals(String path) {
            LongAdder a = byPath.get(path);
            return a == null ? 0 : a.sum();
        }

        long countArrivals(java.util.Set<String> ids, long from, long to) {
            long n = 0;
            for (String id : ids) {
                Long at = firstArrival.get(id);
                if (at != null && at >= from && at < to) {
                    n++;
                }
            }
            return n;
        }

        /** Waits (bounded) until every accepted log of the run has arrived; latency of those accepted in the window. */
        Latency awaitAll(Run run, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline && !run.accepted.keySet().stream().allMatch(firstArrival::containsKey)) {
                Thread.sleep(100);
            }
            Samples samples = new Samples();
            long missing = 0;
            long early = 0;
            for (Map.Entry<String, Long> e : run.accepted.entrySet()) {
                if (e.getValue() < run.windowStart || e.getValue() >= run.windowEnd) {
                    continue;
                }
                Long at = firstArrival.get(e.getKey());
                if (at == null) {
                    missing++;
                } else {
                    long d = at - e.getValue();
                    if (d < 0) {
                        early++;
                    }
                    samples.add(Math.max(0, d));
                }
            }
            return new Latency(samples, missing, early);
        }

        @Override
        public void close() throws IOException {
            closed.set(true);
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    record Latency(Samples samples, long missing, long early) {
        String cell() {
            return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.1f ms%s", ms(samples, 0.5), ms(samples, 0.9),
                    ms(samples, 0.99), ms(samples, 1.0), missing > 0 ? " (" + missing + " never arrived)" : "");
        }

        @Override
        public String toString() {
            return "latency " + cell() + " over " + samples.size() + " (" + early + " arrived before the log's answer)";
        }
    }

    /** Nanosecond samples, sorted on demand. */
    static final class Samples {
        private final java.util.concurrent.ConcurrentLinkedQueue<Long> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private long[] sorted;

        void add(long nanos) {
            all.add(nanos);
            sorted = null;
        }

        int size() {
            return all.size();
        }

        long at(double q) {
            if (sorted == null) {
                sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
        }
    }

    static double ms(Samples s, double q) {
        return s.at(q) / 1e6;
    }

    // ---------------------------------------------------------------- the server under test

    static final class Server implements Closeable {
        final Process process;
        final int port;
        final Path dir;
        final String database;

        private Server(Process process, int port, Path dir, String database) {
            this.process = process;
            this.port = port;
            this.dir = dir;
            this.database = database;
        }

        static Server start(String store, Path jar) throws Exception {
            Path dir = Files.createTempDirectory("heliograph-load-");
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
                port = probe.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
            if (!opt("server-opts").isBlank()) {
                command.addAll(List.of(opt("server-opts").trim().split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString(), "serve", "--port",
                    Integer.toString(port), "--bind", "127.0.0.1", "--allow-private-destinations", "--allow-http-destinations",
                    "--rate-limit", "0"));
            String database = null;
            switch (store) {
                case "sqlite" -> command.addAll(List.of("--data-dir", dir.resolve("data").toString()));
                case "postgres" -> {
                    database = "hg_load_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                    psql("CREATE DATABASE " + database);
                    command.addAll(List.of("--database-url", "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres"));
                }
                default -> throw new IllegalArgumentException("Unknown store " + store + " (sqlite or postgres)");
            }
            if (!opt("server-args").isBlank()) {
                command.addAll(List.of(opt("server-args").trim().split("\\s+")));
            }
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile());
            pb.environment().put("HELIOGRAPH_BOOTSTRAP_API_KEY", KEY);
            Process process = pb.start();
            Server server = new Server(process, port, dir, database);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (server.get("/readyz").statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException("The server did not start; see " + dir.resolve("server.log"));
                }
                Thread.sleep(100);
            }
            System.out.println("server pid " + process.pid() + " on port " + port + ", log " + dir.resolve("server.log"));
            return server;
        }

        static void psql(String sql) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", sql).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("psql " + sql + ": " + out);
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return API.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            return send(KEY, method, path, body);
        }

        HttpResponse<String> send(String key, String method, String path, String body) throws IOException, InterruptedException {
            HttpResponse<String> r = API.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r;
        }

        /** A webhook to {@code destination} for logs whose scenario (and lane, if given) property matches. */
        String createWebhook(String destination, String scenario, String lane) throws IOException, InterruptedException {
            return createWebhook(KEY, destination, scenario, lane);
        }

        /** The same under another organization's key; a null scenario matches every log of that organization. */
        String createWebhook(String key, String destination, String scenario, String lane) throws IOException, InterruptedException {
            String filters = scenario == null ? "[]" : "[{\"key\":\"scenario\",\"value\":\"" + scenario + "\"}"
                    + (lane == null ? "" : ",{\"key\":\"lane\",\"value\":\"" + lane + "\"}") + "]";
            String body = send(key, "POST", "/v1/webhooks", "{\"destination\":\"" + destination
                    + "\",\"config\":{\"sampleRate\":100,\"propertyFilters\":" + filters + "},\"includeData\":true}").body();
            Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("No webhook id in " + body);
            }
            return m.group(1);
        }

        /** A new organization's key, made as an operator would: {@code keys create} beside the running server. */
        String createKey(String org) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                    opt("jar"), "keys", "create", "--org", org));
            command.addAll(database == null ? List.of("--data-dir", dir.resolve("data").toString())
                    : List.of("--database-url", "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres"));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String key = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || !key.startsWith("hg_")) {
                throw new IllegalStateException("keys create failed: " + key);
            }
            return key;
        }

        void patch(String id, String body) throws IOException, InterruptedException {
            send("PATCH", "/v1/webhooks/" + id, body);
        }

        void deleteWebhook(String id) throws IOException, InterruptedException {
            API.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/webhooks/" + id)).DELETE()
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** First attempts so far by how the delivery reached the node: {handed over with its log, claimed from the store}. */
        double[] firstAttemptPaths() throws IOException, InterruptedException {
            String scrape = get("/metrics").body();
            String name = "heliograph_delivery_first_attempt_wait_seconds_count{";
            double[] paths = new double[2];
            for (String line : scrape.split("\n")) {
                if (line.startsWith(name)) {
                    int i = line.contains("path=\"claim\"") ? 1 : 0;
                    paths[i] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return paths;
        }

        long pending() throws IOException, InterruptedException {
            Thread.sleep(1100); // the gauge is read from the store at most once a second
            return (long) metric(get("/metrics").body(), "heliograph_deliveries_pending");
        }

        Watch watch() {
            return new Watch(this, true);
        }

        /** Waits (at most 15 minutes) until no delivery is pending, and says how long that took. */
        void settle() throws IOException, InterruptedException {
            long start = System.nanoTime();
            long pending;
            while ((pending = pending()) > 0 && System.nanoTime() - start < Duration.ofMinutes(15).toNanos()) {
                Thread.sleep(1000);
            }
            System.out.printf("  outbox empty after %.0f s%s%n", (System.nanoTime() - start) / 1e9,
                    pending > 0 ? " (gave up with " + pending + " pending)" : "");
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                if (database != null) {
                    psql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
                // The server's log outlives the run, for a look at what it said.
                Path kept = Path.of("target", "load-server-" + (database == null ? "sqlite" : "postgres") + ".log");
                Files.createDirectories(kept.getParent());
                Files.copy(dir.resolve("server.log"), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } catch (Exception e) {
                System.out.println("cleanup: " + e);
            }
        }
    }

    static double metric(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Server CPU over a phase (from /proc), and its peak RSS and heap (sampled every 250 ms / 1 s). */
    static final class Watch {
        record Figures(double cores, long peakRssMiB, long peakHeapMiB, double harnessCores, double machineCores) {
            @Override
            public String toString() {
                return String.format(Locale.ROOT, "server %.2f cores, peak RSS %d MiB, peak heap %d MiB; harness %.2f cores;"
                        + " whole machine %.2f of %d cores busy", cores, peakRssMiB, peakHeapMiB, harnessCores, machineCores,
                        Runtime.getRuntime().availableProcessors());
            }
        }

        /** {busy, total} jiffies of all cores from /proc/stat (busy: all but idle and iowait). */
        static long[] machine() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 1};
            }
        }

        final Server server;
        final boolean scrapeHeap;
        final CpuClock cpu;
        final CpuClock self = CpuClock.self();
        final long[] machineStart = machine();
        final AtomicLong peakRss = new AtomicLong();
        final AtomicLong peakHeap = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread sampler;

        /** {@code scrapeHeap}: scrape /metrics for the heap every 2 s (not in wrk windows: the scrape costs the server CPU). */
        Watch(Server server, boolean scrapeHeap) {
            this.server = server;
            this.scrapeHeap = scrapeHeap;
            cpu = new CpuClock(server.process.pid());
            sampler = Thread.ofPlatform().daemon().start(() -> {
                int tick = 0;
                while (running.get()) {
                    try {
                        for (String line : Files.readAllLines(Path.of("/proc/" + server.process.pid() + "/status"))) {
                            if (line.startsWith("VmRSS:")) {
                                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                                peakRss.accumulateAndGet(kib / 1024, Math::max);
                            }
                        }
                        if (scrapeHeap && tick++ % 8 == 0) { // /metrics every 2 s (it counts the outbox; Prometheus would scrape every 15 s)
                            String scrape = server.get("/metrics").body();
                            double heap = 0;
                            for (String line : scrape.split("\n")) {
                                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                                    heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                                }
                            }
                            peakHeap.accumulateAndGet((long) (heap / (1024 * 1024)), Math::max);
                        }
                        Thread.sleep(250);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        Figures stop() throws InterruptedException {
            running.set(false);
            sampler.join(5000);
            long[] machineEnd = machine();
            double busyShare = (machineEnd[0] - machineStart[0]) / (double) Math.max(1, machineEnd[1] - machineStart[1]);
            return new Figures(cpu.coresSince(), peakRss.get(), peakHeap.get(), self.coresSince(),
                    busyShare * Runtime.getRuntime().availableProcessors());
        }
    }

    /** Process CPU time from /proc/<pid>/stat (utime + stime, in clock ticks). */
    static final class CpuClock {
        final long pid;
        final long startTicks;
        final long startNanos = System.nanoTime();

        CpuClock(long pid) {
            this.pid = pid;
            this.startTicks = ticks();
        }

        static CpuClock self() {
            return new CpuClock(ProcessHandle.current().pid());
        }

        long ticks() {
            return Proc.ticks(pid);
        }

        double coresSince() {
            return Proc.seconds(ticks() - startTicks) / ((System.nanoTime() - startNanos) / 1e9);
        }
    }
}
