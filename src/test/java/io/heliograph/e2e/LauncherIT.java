package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.support.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher and fat jar exactly as a newcomer runs them: {@code ./heliograph serve} on an empty
 * data dir prints a key, answers over HTTP, and stops cleanly on SIGTERM; a second start reuses the store.
 */
class LauncherIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern KEY = Pattern.compile("^\\s+(hg_[A-Za-z0-9_-]{43})\\s*$");

    @TempDir
    Path dataDir;

    @Test
    void helpListsTheCommands() throws Exception {
        Process help = new ProcessBuilder("./heliograph", "--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(out).contains("serve").contains("keys");
    }

    /**
     * When the jar is stale the launcher builds it, and nothing of that build reaches the terminal as
     * escape codes (Maven 3.8's console library writes colour resets even with -B).
     */
    @Test
    void aBuildByTheLauncherPrintsNoTerminalEscapes() throws Exception {
        Path jar = Path.of("target/heliograph.jar");
        assertThat(jar).exists();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0)); // older than the sources
        Process version = new ProcessBuilder("./heliograph", "--version").redirectErrorStream(true).start();
        byte[] out = version.getInputStream().readAllBytes();
        assertThat(version.waitFor(600, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(version.exitValue()).as(text).isZero();
        assertThat(text).contains("building target/heliograph.jar").doesNotContain("\u001b");
        assertThat(Files.getLastModifiedTime(jar).toMillis()).as("rebuilt").isGreaterThan(0);
    }

    @Test
    void serveStartsPrintsAKeyAnswersAndStopsOnSigterm() throws Exception {
        Started first = serve();
        try {
            assertThat(first.key).as("first start prints the key").isNotNull();
            Api api = new Api("http://127.0.0.1:" + first.port, first.key);
            assertThat(api.get("/healthz").status()).isEqualTo(200);
            assertThat(api.get("/readyz").status()).isEqualTo(200);
            // Loopback only (the allow flags are on): tests never address anything off this machine.
            assertThat(api.post("/v1/webhooks", "{\"destination\":\"http://127.0.0.1:9/hook\",\"config\":{}}").status())
                    .isEqualTo(200);
            assertThat(api.get("/v1/webhooks").status()).isEqualTo(200);
        } finally {
            stop(first);
        }
        assertThat(first.process.exitValue()).as("exit after SIGTERM").isIn(0, 143);

        Started second = serve();
        try {
            assertThat(second.key).as("a second start prints no new key").isNull();
            assertThat(new Api("http://127.0.0.1:" + second.port, first.key).get("/v1/webhooks").status()).isEqualTo(200);
            System.out.printf("launcher start-up: first %d ms, second %d ms%n", first.millisToListen, second.millisToListen);
        } finally {
            stop(second);
        }
    }

    private record Started(Process process, int port, String key, long millisToListen) {
    }

    private Started serve() throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("./heliograph", "serve", "--port", "0", "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--allow-private-destinations", "--allow-http-destinations");
        pb.environment().remove("HELIOGRAPH_BOOTSTRAP_API_KEY");
        pb.environment().remove("HELIOGRAPH_DATABASE_URL");
        Process process = pb.start();
        BlockingQueue<String> stdout = drain(process.getInputStream());
        BlockingQueue<String> stderr = drain(process.getErrorStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Integer port = null;
        StringBuilder seen = new StringBuilder();
        while (port == null && System.nanoTime() < deadline && process.isAlive()) {
            String line = stderr.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
        }
        assertThat(port).as("server log:\n" + seen).isNotNull();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Thread.sleep(500); // the key is printed before the listening line; let the stdout reader catch up
        String key = null;
        for (String line : stdout) {
            Matcher m = KEY.matcher(line);
            if (m.matches()) {
                key = m.group(1);
            }
        }
        return new Started(process, port, key, millis);
    }

    private static void stop(Started started) throws InterruptedException {
        started.process.toHandle().descendants().forEach(ProcessHandle::destroy);
        started.process.destroy(); // SIGTERM
        assertThat(started.process.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
    }

    private static BlockingQueue<String> drain(java.io.InputStream in) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return lines;
    }
}
