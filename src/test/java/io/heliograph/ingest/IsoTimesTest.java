package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The log routes' ISO-8601 times: the hand-written reading of the usual shape answers exactly what
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} answers — the same milliseconds, or a refusal —
 * for the shapes clients send, for fields out of range and for the formatter's rarer forms.
 */
class IsoTimesTest {

    @Test
    void usualShapesAreRead() {
        assertThat(LogFields.isoMillis("2026-01-15T10:30:00.000Z")).isEqualTo(1_768_473_000_000L);
        assertThat(LogFields.isoMillis("2026-01-15T10:30:00Z")).isEqualTo(1_768_473_000_000L);
        assertThat(LogFields.isoMillis("2026-01-15T12:30:00.1239+02:00")).isEqualTo(1_768_473_000_123L);
        assertThat(LogFields.isoMillis("2024-02-29T23:59:59.999999999-00:30")).isEqualTo(Instant.parse("2024-03-01T00:29:59.999Z").toEpochMilli());
        // The formatter's rarer forms still work: lower case, no seconds, a point without digits, an offset with seconds.
        assertThat(LogFields.isoMillis("2026-01-15t10:30z")).isEqualTo(1_768_473_000_000L);
        assertThat(LogFields.isoMillis("2026-01-15T10:30:00.Z")).isEqualTo(1_768_473_000_000L);
        assertThat(LogFields.isoMillis("2026-01-15T10:30:00+00:00:30")).isEqualTo(1_768_472_970_000L);
    }

    @Test
    void outOfRangeFieldsAreRefusedAsBefore() {
        for (String bad : new String[] {"2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-15T24:00:00Z",
                "2026-01-15T10:60:00Z", "2026-01-15T10:30:60Z", "2026-01-15T10:30:00.1234567890Z",
                "2026-01-15T10:30:00+19:00", "2026-01-15T10:30:00", "2026-01-15 10:30:00Z", "２026-01-15T10:30:00Z"}) {
            assertThatThrownBy(() -> LogFields.isoMillis(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Property(tries = 3000)
    void agreesWithTheFormatter(@ForAll("times") String text) {
        Long expected;
        try {
            expected = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            expected = null;
        }
        if (expected == null) {
            assertThatThrownBy(() -> LogFields.isoMillis(text)).as(text)
                    .isInstanceOfAny(DateTimeParseException.class, ArithmeticException.class);
        } else {
            assertThat(LogFields.isoMillis(text)).as(text).isEqualTo(expected);
        }
    }

    /** Times built field by field, each field mostly in range and sometimes not, with varied separators, fractions and offsets. */
    @Provide
    Arbitrary<String> times() {
        Arbitrary<String> year = Arbitraries.oneOf(Arbitraries.integers().between(1970, 2100).map(y -> String.format("%04d", y)),
                Arbitraries.integers().between(0, 9999).map(y -> String.format("%04d", y)), Arbitraries.of("+10000", "999", "20x6"));
        Arbitrary<String> month = twoDigits(1, 12, 0, 19);
        Arbitrary<String> day = twoDigits(1, 31, 0, 39);
        Arbitrary<String> hour = twoDigits(0, 23, 0, 29);
        Arbitrary<String> minute = twoDigits(0, 59, 0, 99);
        Arbitrary<String> second = Arbitraries.oneOf(twoDigits(0, 59, 0, 99), Arbitraries.just(""));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(11).map(f -> "." + f));
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.of("Z", "z", "", "+00:00", "-00:00", "+18:00", "-18:00", "+18:01", "+0200", "+02"),
                Combinators.combine(Arbitraries.of("+", "-"), twoDigits(0, 14, 0, 24), twoDigits(0, 59, 0, 99),
                        Arbitraries.of("", "", ":30", ":7"))
                        .as((sign, h, m, sec) -> sign + h + ":" + m + sec));
        Arbitrary<String> separator = Arbitraries.of("T", "T", "T", "t", " ");
        Arbitrary<String> date = Combinators.combine(year, month, day).as((y, m, d) -> y + "-" + m + "-" + d);
        Arbitrary<String> time = Combinators.combine(hour, minute, second, fraction)
                .as((h, m, s, f) -> h + ":" + m + (s.isEmpty() ? "" : ":" + s + f));
        return Combinators.combine(date, separator, time, offset).as((d, sep, t, o) -> d + sep + t + o);
    }

    /** Two digits, mostly within [low, high], sometimes at or just past its ends or within [wideLow, wideHigh], now and then one digit. */
    private static Arbitrary<String> twoDigits(int low, int high, int wideLow, int wideHigh) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(low, high).map(v -> String.format("%02d", v))),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(Math.max(0, low - 1), low, high, high + 1).map(v -> String.format("%02d", v))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(wideLow, wideHigh).map(v -> String.format("%02d", v))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 9).map(String::valueOf)));
    }
}
