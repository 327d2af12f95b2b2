package io.heliograph.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a separate operating-system process (same classes as the tests), so a test can
 * SIGKILL it mid-flight or run two against one database.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final int port;
    private StringBuilder stderr = new StringBuilder();

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code serve} on the store of {@code store} (its data dir, or its PostgreSQL database). */
    public static ServerProcess start(TestServer store, String... extraArgs) {
        return start(store.storeFlags(), extraArgs);
    }

    /** Starts {@code serve} with these store flags ({@code --data-dir=…} or {@code --database-url=…}). */
    public static ServerProcess start(List<String> storeFlags, String... extraArgs) {
        return start(List.of(), storeFlags, extraArgs);
    }

    /** Starts {@code serve} in a JVM with these options (e.g. {@code -Xmx96m}). */
    public static ServerProcess start(List<String> jvmOptions, List<String> storeFlags, String... extraArgs) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "io.heliograph.Main", "serve", "--port", "0", "--bind", "127.0.0.1",
                "--bootstrap-api-key", TestServer.BOOTSTRAP_KEY,
                "--allow-private-destinations", "--allow-http-destinations", "--rate-limit", "0"));
        command.addAll(storeFlags);
        command.addAll(List.of(extraArgs));
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            StringBuilder log = new StringBuilder();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = err.readLine()) != null) {
                        synchronized (log) {
                            log.append(line).append('\n');
                        }
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                port.completeExceptionally(new IllegalStateException("Server exited before listening:\n" + log));
            });
            ServerProcess started = new ServerProcess(process, port.get(60, TimeUnit.SECONDS));
            started.stderr = log;
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Server process did not start", e);
        }
    }

    public int port() {
        return port;
    }

    /** What the server printed on stderr so far (its log). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    public long pid() {
        return process.pid();
    }

    /** A figure from /proc/&lt;pid&gt;/status (e.g. {@code VmHWM} in KiB, {@code Threads}); -1 when unreadable. */
    public long procStatus(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or this is not Linux
        }
        return -1;
    }

    /**
     * Runs another command of the same build (e.g. {@code keys create --org b}) as its own process,
     * as an operator would beside the running server; answers what it printed on stdout.
     */
    public static String command(List<String> storeFlags, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.heliograph.Main"));
        command.addAll(List.of(args));
        command.addAll(storeFlags);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("Command failed: " + String.join(" ", args));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Api api() {
        return new Api("http://127.0.0.1:" + port, TestServer.BOOTSTRAP_KEY);
    }

    /** SIGKILL: no shutdown hook, no lease released, nothing flushed beyond what was committed. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
