package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The tally each fault scenario ends with — sent, acknowledged, received, duplicated, lost — printed
 * and appended to {@code target/fault-suite-results.md}, the figures docs/reliability.md quotes.
 */
public final class FaultReport {
    private static final Path RESULTS = Path.of("target", "fault-suite-results.md");

    private FaultReport() {
    }

    public static void record(String scenario, StoreKind store, long sent, long acknowledged, long received, long duplicated,
            long lost, String notes) {
        String line = String.format("| %s | %s | %d | %d | %d | %d | %d | %s |%n", scenario, store, sent, acknowledged, received,
                duplicated, lost, notes);
        System.out.print("fault suite: " + line);
        try {
            Files.createDirectories(RESULTS.getParent());
            if (!Files.exists(RESULTS)) {
                Files.writeString(RESULTS, "| scenario | store | sent | acknowledged | received | duplicated | lost | notes |\n"
                        + "|---|---|---|---|---|---|---|---|\n", StandardCharsets.UTF_8);
            }
            Files.writeString(RESULTS, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
