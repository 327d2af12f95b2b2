package io.heliograph.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of durations ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d}) and
 * sizes ({@code 500B}, {@code 64KiB}, {@code 1MiB}, or a plain byte count) as flags, environment
 * variables and defaults write them. Units ignore case; spaces around the number and the unit are
 * allowed. Every error names the setting and shows what would have been accepted.
 */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d{1,9})\\s*(ms|s|m|h|d)\\s*", Pattern.CASE_INSENSITIVE);
    // KB and MB mean KiB and MiB: they were accepted so before the units were written out.
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,12})\\s*(b|kib|kb|mib|mb)?\\s*", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    /** One duration; {@code what} names the setting in the error message, e.g. {@code "retention"}. */
    public static Duration duration(String text, String what) {
        Matcher m = DURATION.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + shown(text)
                    + "' (expected a number and a unit: ms, s, m, h or d, e.g. 500ms, 30s, 10m, 2h or 30d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * Comma-separated durations such as {@code 5s,5m,30m}; empty items are skipped, so an empty text
     * is an empty list. {@code what} names one item, e.g. {@code "retry delay"}.
     */
    public static List<Duration> durations(String text, String what) {
        List<Duration> list = new ArrayList<>();
        for (String item : (text == null ? "" : text).split(",")) {
            if (!item.isBlank()) {
                list.add(duration(item, what));
            }
        }
        return List.copyOf(list);
    }

    /** A size in bytes; {@code what} names the setting in the error message, e.g. {@code "inline body limit"}. */
    public static long size(String text, String what) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + shown(text)
                    + "' (expected a number of bytes and an optional unit: B, KiB or MiB, e.g. 500B, 64KiB or 1MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "kib", "kb" -> n * 1024;
            case "mib", "mb" -> n * 1024 * 1024;
            default -> n;
        };
    }

    private static String shown(String text) {
        return text == null ? "" : text.trim();
    }
}
