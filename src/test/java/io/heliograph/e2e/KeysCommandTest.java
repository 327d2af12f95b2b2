package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.Main;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** {@code heliograph keys create|list|revoke} against the store a running server uses. */
class KeysCommandTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void createListAndRevoke(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            List<String> storeFlags = server.storeFlags();

            Result created = run(storeFlags, "keys", "create", "--org", "acme");
            assertThat(created.exit()).isZero();
            String key = created.out().trim();
            assertThat(key).matches("hg_[A-Za-z0-9_-]{43}");
            Api acme = new Api(server.baseUrl(), key);
            assertThat(acme.get("/v1/webhooks").status()).isEqualTo(200);

            Result listed = run(storeFlags, "keys", "list");
            assertThat(listed.exit()).isZero();
            assertThat(listed.out()).contains("acme").contains(key.substring(0, 11)).contains("active")
                    .doesNotContain(key).doesNotContain(TestServer.BOOTSTRAP_KEY);

            Result revoked = run(storeFlags, "keys", "revoke", key.substring(0, 11));
            assertThat(revoked.exit()).isZero();
            // Revoked by another process: refused within a second (SPEC §2), then for good.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(1500))
                    .until(() -> acme.get("/v1/webhooks").status() == 401);
            assertThat(run(storeFlags, "keys", "list").out()).contains("revoked");
            assertThat(run(storeFlags, "keys", "revoke", "hg_nonexist").exit()).isEqualTo(1);
            // The other org's key still works.
            assertThat(server.api().get("/v1/webhooks").status()).isEqualTo(200);
        }
    }

    @org.junit.jupiter.api.Test
    void helpListsTheCommands() {
        Result help = run(List.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("serve").contains("keys");
        Result keysHelp = run(List.of(), "keys", "--help");
        assertThat(keysHelp.out()).contains("create").contains("list").contains("revoke");
    }

    record Result(int exit, String out, String err) {
    }

    /** Runs the real command line (sub-commands after the store flags) and captures what it prints. */
    private static synchronized Result run(List<String> storeFlags, String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        if (!storeFlags.isEmpty()) {
            argv.addAll(storeFlags);
        }
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Main()).execute(argv.toArray(String[]::new));
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
