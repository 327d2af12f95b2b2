package io.heliograph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell scripts around the build: the launcher, bench/*.sh and .ci/run. */
class ScriptsTest {
    private static final Path JDK_FINDER = Path.of("scripts/lib/jdk.sh");
    private static final Path MAVEN = Path.of("scripts/lib/maven.sh");

    @TempDir
    Path tmp;

    private record Run(int exit, String out) {
    }

    private static Run bash(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "test"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void ciRunStartsTheNewestInstalledPostgres() throws Exception {
        for (String version : new String[] {"9.6", "10", "16", "15"}) {
            Files.createDirectories(tmp.resolve(version));
        }
        Run run = bash(Map.of(), "source .ci/run && newest_postgres_version \"$1\"", tmp.toString());
        assertThat(run.out().strip()).as(run.out()).isEqualTo("16");
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("jvm").resolve(name));
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho fake\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void theJdkFinderTakesJavaHomeWhenItIs21OrNewerElseTheNewestJdk() throws Exception {
        Path old = fakeJdk("jdk-17", "17.0.2");
        Path mid = fakeJdk("jdk-21", "21.0.5");
        Path newest = fakeJdk("jdk-25", "25");
        String find = "source scripts/lib/jdk.sh && find_java";
        String jvms = tmp.resolve("jvm").toString();
        String path = "/usr/bin:/bin"; // whatever java the machine has on PATH

        assertThat(bash(Map.of("HELIOGRAPH_JVM_DIR", jvms, "JAVA_HOME", mid.toString(), "PATH", path), find).out().strip())
                .isEqualTo(mid.resolve("bin/java").toString());
        assertThat(bash(Map.of("HELIOGRAPH_JVM_DIR", jvms, "JAVA_HOME", old.toString(), "PATH", path), find).out().strip())
                .as("JAVA_HOME too old, java on PATH too old here: the newest under the JVM directory")
                .endsWith(newest.resolve("bin/java").toString());
        Run none = bash(Map.of("HELIOGRAPH_JVM_DIR", tmp.resolve("empty").toString(), "JAVA_HOME", old.toString(),
                "PATH", path), find);
        if (!none.out().contains("/bin/java")) { // a machine whose PATH java is 21+ finds that one instead
            assertThat(none.exit()).isNotZero();
            assertThat(none.out()).contains("needs Java 21 or newer");
        }
    }

    @Test
    void theLauncherAndTheBenchScriptsShareOneJdkFinderAndOneMavenCall() throws Exception {
        List<Path> scripts = new ArrayList<>(List.of(Path.of("heliograph")));
        try (Stream<Path> bench = Files.list(Path.of("bench"))) {
            bench.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(scripts::add);
        }
        for (Path script : scripts) {
            String text = Files.readString(script);
            assertThat(text).as(script + " finds a JDK itself").doesNotContain("/usr/lib/jvm").doesNotContain("JAVA_VERSION");
            assertThat(text.lines().filter(l -> !l.strip().startsWith("#")).filter(l -> l.matches(".*(^|[\\s(;&|])mvn\\s+-.*")))
                    .as(script + " calls mvn directly instead of through " + MAVEN).isEmpty();
            if (text.contains("java_bin")) {
                assertThat(text).as(script.toString()).contains(JDK_FINDER.toString());
            }
        }
    }

    @Test
    void mavenThroughTheSharedCallPrintsNoTerminalEscapes() throws Exception {
        Run run = bash(Map.of(), "source scripts/lib/maven.sh && maven -v");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("Apache Maven").doesNotContain("\u001b");
    }
}
