package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store says about its disk names no path: /readyz shows it to anyone. */
class DatabaseDiskTest {
    @TempDir
    Path dataDir;

    @Test
    void lowOnDiskSaysHowMuchIsFreeButNotWhere() {
        try (Database db = Database.open(null, dataDir, Clock.systemUTC())) {
            assertThat(db.lowOnDisk()).isEmpty();
            db.minimumFreeBytes(Long.MAX_VALUE);
            assertThat(db.lowOnDisk()).hasValueSatisfying(reason -> assertThat(reason)
                    .matches("disk almost full: \\d+ KiB free")
                    .doesNotContain(dataDir.toString()));
        }
    }
}
