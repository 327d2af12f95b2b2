package io.heliograph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve} refuses a setting it cannot honour with one line and exit code 2, before it starts anything. */
class MainTest {

    @Test
    void aSettingTheServerCannotHonourIsOneLineAndExitCodeTwo(@TempDir Path dir) {
        String data = dir.resolve("data").toString();
        Run port = run("serve", "--data-dir", data, "--port", "70000");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("heliograph: Port must be between 0 and 65535, got 70000\n");
        Run retention = run("serve", "--data-dir", data, "--retention", "1h");
        assertThat(retention.exit()).isEqualTo(2);
        assertThat(retention.err()).startsWith("heliograph: Retention (PT1H) must be longer than the whole retry schedule")
                .endsWith("or 0d to keep everything\n").doesNotContain("\tat ");
        Run memory = run("serve", "--data-dir", data, "--ingest-memory", "lots");
        assertThat(memory.exit()).isEqualTo(2);
        assertThat(memory.err()).startsWith("heliograph: ").contains("ingest memory").doesNotContain("\tat ");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing started").isFalse();
    }

    @Test
    void aValueThatIsNotANumberIsRefusedByTheParserNamingTheFlag(@TempDir Path dir) {
        Run run = run("serve", "--data-dir", dir.toString(), "--webhook-concurrency", "two");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--webhook-concurrency").contains("two").doesNotContain("\tat ");
    }

    private record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute(args);
        return new Run(exit, err.toString());
    }
}
