package io.heliograph.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js project under {@code src/test/node/}: real client libraries from the npm registry, driven
 * against the server the way their users drive them. The test set-up installs them (npm install, from
 * the committed package-lock.json) the first time a test needs them.
 */
public final class NodeProject {
    private static final Set<Path> INSTALLED = new HashSet<>();

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    public static NodeProject named(String name) {
        Path dir = Path.of("src", "test", "node", name).toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("No Node project at " + dir);
        }
        NodeProject project = new NodeProject(dir);
        project.install();
        return project;
    }

    private void install() {
        synchronized (INSTALLED) {
            if (INSTALLED.contains(dir)) {
                return;
            }
            Result r = exec(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 300);
            if (r.exit() != 0) {
                throw new IllegalStateException("npm install failed in " + dir + ":\n" + r.out() + r.err());
            }
            INSTALLED.add(dir);
        }
    }

    /** Runs {@code node <script>} with {@code env}; its exit code and output. */
    public Result node(String script, Map<String, String> env) {
        return node(env, script);
    }

    /** Runs {@code node <script> <args…>} with {@code env}. */
    public Result node(Map<String, String> env, String script, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return exec(command, env, 120);
    }

    public record Result(int exit, String out, String err) {
    }

    private Result exec(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("node-out", ".txt");
            Path err = Files.createTempFile("node-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process process = pb.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + command + " (is Node.js installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
