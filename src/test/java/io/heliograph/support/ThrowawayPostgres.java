package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own — initdb into a temp dir, its own port on loopback — that the
 * test may stop, crash and start again without touching the machine's shared cluster on 5432.
 * initdb refuses to run as root, so the cluster runs as the {@code postgres} user.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    private static final Path BIN = findBin();

    private final Path dir;
    private final Path data;
    private final int port;
    private final String serverOptions;

    private ThrowawayPostgres(Path dir, int port, String serverOptions) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.serverOptions = serverOptions;
    }

    /** Whether this machine can run one (PostgreSQL binaries present, running as root for runuser). */
    public static boolean available() {
        return BIN != null && "root".equals(System.getProperty("user.name"));
    }

    public static ThrowawayPostgres create() {
        try {
            return create(Files.createTempDirectory("hg-pg-"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A cluster in {@code dir}; {@code small} makes it fit a small disk (1 MiB WAL segments, little
     * WAL kept, small buffers).
     */
    public static ThrowawayPostgres create(Path dir, boolean small) {
        try {
            Files.createDirectories(dir);
            run(List.of("chown", "postgres:postgres", dir.toString()));
            String options = small ? " -c max_wal_size=4MB -c min_wal_size=2MB -c shared_buffers=8MB -c wal_keep_size=0" : "";
            ThrowawayPostgres pg = new ThrowawayPostgres(dir, freePort(), options);
            List<String> initdb = new ArrayList<>(List.of(BIN.resolve("initdb").toString(), "-D", pg.data.toString(), "-A",
                    "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"));
            if (small) {
                initdb.add("--wal-segsize=1");
            }
            pg.asPostgres(initdb.toArray(String[]::new));
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    public void start() {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1" + serverOptions, "-w", "-t", "60", "start");
    }

    /** Whether the server is up (pg_ctl status). */
    public boolean running() {
        try {
            asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "status");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Stops it: {@code immediate} is a crash (no checkpoint; recovery from WAL at the next start). */
    public void stop(String mode) {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    @Override
    public void close() {
        try {
            asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException ignored) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private void asPostgres(String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        run(full);
    }

    private static void run(List<String> command) {
        Commands.run(command, 120);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path findBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
