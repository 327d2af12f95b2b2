package io.heliograph.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {
    @ParameterizedTest(name = "\"{0}\" = {1} ms")
    @CsvSource(delimiter = '|', value = {
        "500ms | 500", "0ms | 0", "5s | 5000", "10m | 600000", "2h | 7200000", "30d | 2592000000",
        "' 30s ' | 30000", "30 s | 30000", "10M | 600000", "250MS | 250", "999999999d | 86399999913600000",
    })
    void durationsTakeANumberAndAUnit(String text, long millis) {
        assertThat(Units.duration(text, "retention")).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " ", "30", "s", "5x", "-5s", "+5s", "1.5s", "5 ", "5sec", "5 m s", "1000000000d", "5s,5m", "PT5S"})
    void aDurationWithoutAUnitOrWithAnUnknownOneIsRefusedByName(String text) {
        assertThatThrownBy(() -> Units.duration(text, "gateway timeout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid gateway timeout '" + text.trim()
                        + "' (expected a number and a unit: ms, s, m, h or d, e.g. 500ms, 30s, 10m, 2h or 30d)");
    }

    @Test
    void aNullDurationIsAnErrorNotACrash() {
        assertThatThrownBy(() -> Units.duration(null, "retention")).hasMessageStartingWith("Invalid retention ''");
    }

    @Test
    void durationListsAreCommaSeparatedAndSkipEmptyItems() {
        assertThat(Units.durations(" 250ms, 1s ,2m,3h,1d ", "retry delay")).containsExactly(Duration.ofMillis(250),
                Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofHours(3), Duration.ofDays(1));
        assertThat(Units.durations("", "retry delay")).isEmpty();
        assertThat(Units.durations("5s,,5m,", "retry delay")).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5));
        for (String junk : new String[] {"5", "5x", "-5s", "1.5s", "s", "5s;5m"}) {
            assertThatThrownBy(() -> Units.durations(junk, "retry delay")).as(junk)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid retry delay '");
        }
        assertThatThrownBy(() -> Units.durations("5s, 5x ,5m", "retry delay")).as("names the bad item")
                .hasMessageStartingWith("Invalid retry delay '5x'");
    }

    @ParameterizedTest(name = "\"{0}\" = {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "0 | 0", "500 | 500", "500B | 500", "500b | 500", "64KiB | 65536", "64kib | 65536", "64 KiB | 65536",
        "1MiB | 1048576", "' 1MiB ' | 1048576", "64KB | 65536", "1MB | 1048576", "999999999999MiB | 1048575999998951424",
    })
    void sizesTakeAByteCountAndAnOptionalBinaryUnit(String text, long bytes) {
        assertThat(Units.size(text, "inline body limit")).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "KiB", "-1", "1.5MiB", "64GiB", "64K", "64 kilobytes", "1000000000000", "1,024"})
    void aSizeWithAnUnknownUnitIsRefusedByName(String text) {
        assertThatThrownBy(() -> Units.size(text, "inline body limit"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid inline body limit '" + text.trim()
                        + "' (expected a number of bytes and an optional unit: B, KiB or MiB, e.g. 500B, 64KiB or 1MiB)");
    }
}
