package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Typed reads of log-body fields, each failing as a 400 that names the field. Shared by both log formats. */
final class LogFields {
    /** 9999-12-31T23:59:59.999Z: later times are typos, and would overflow the arithmetic. */
    static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private LogFields() {
    }

    /** A present, non-null field. */
    static Optional<JsonNode> field(JsonNode object, String name) {
        JsonNode value = object == null ? null : object.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    static JsonNode object(JsonNode parent, String name, String path) {
        return field(parent, name).filter(JsonNode::isObject)
                .orElseThrow(() -> ApiException.badRequest(path + " must be an object"));
    }

    static Optional<String> optionalString(JsonNode parent, String name, String path) {
        return field(parent, name).map(v -> {
            if (!v.isTextual()) {
                throw ApiException.badRequest(path + " must be a string");
            }
            return v.textValue();
        });
    }

    /** An HTTP-like status: a whole number between -999 and 999 (Helicone's loggers send -3 for cancelled). */
    static int status(JsonNode parent, String name, String path) {
        JsonNode v = field(parent, name).orElseThrow(() -> ApiException.badRequest(path + " must be an integer"));
        if (!v.isNumber() || v.doubleValue() != Math.rint(v.doubleValue()) || Math.abs(v.doubleValue()) > 999) {
            throw ApiException.badRequest(path + " must be an integer");
        }
        return v.intValue();
    }

    /** A non-negative millisecond count, if present. */
    static Optional<Long> optionalMillis(JsonNode parent, String name, String path) {
        return field(parent, name).map(v -> {
            if (!v.isNumber() || !(v.doubleValue() >= 0) || v.doubleValue() > MAX_EPOCH_MILLIS) {
                throw ApiException.badRequest(path + " must be a non-negative number of milliseconds");
            }
            return (long) Math.floor(v.doubleValue());
        });
    }

    /** Helicone's {@code {seconds, milliseconds}} time as epoch milliseconds. */
    static long heliconeTime(JsonNode timing, String name) {
        String path = "timing." + name;
        JsonNode time = field(timing, name).filter(JsonNode::isObject)
                .orElseThrow(() -> ApiException.badRequest(path + " must be an object with seconds and milliseconds"));
        JsonNode seconds = time.get("seconds");
        JsonNode millis = time.get("milliseconds");
        if (seconds == null || !seconds.isNumber() || (millis != null && !millis.isNull() && !millis.isNumber())) {
            throw ApiException.badRequest(path + " must be an object with seconds and milliseconds");
        }
        double total = seconds.doubleValue() * 1000 + (millis == null || millis.isNull() ? 0 : millis.doubleValue());
        if (!(total >= 0 && total <= MAX_EPOCH_MILLIS)) {
            throw ApiException.badRequest(path + " is out of range");
        }
        return (long) Math.floor(total);
    }

    /** An ISO-8601 time with an offset ({@code 2026-01-15T10:30:00.000Z}), or epoch milliseconds. */
    static long isoTime(JsonNode parent, String name) {
        JsonNode v = field(parent, name).orElseThrow(() -> ApiException.badRequest(name + " is required"));
        long millis;
        if (v.isNumber()) {
            millis = (long) Math.floor(v.doubleValue());
            if (!(v.doubleValue() >= 0)) {
                millis = -1;
            }
        } else if (v.isTextual()) {
            try {
                millis = isoMillis(v.textValue());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw ApiException.badRequest(name + " must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z");
            }
        } else {
            throw ApiException.badRequest(name + " must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z");
        }
        if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
            throw ApiException.badRequest(name + " is out of range");
        }
        return millis;
    }

    /**
     * An ISO-8601 time with an offset ({@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}) in epoch
     * milliseconds, the fraction beyond them cut off. The shape every client sends —
     * {@code 2026-01-15T10:30:00.123Z} or {@code …+02:00}, 0 to 9 fraction digits — is read here by
     * hand (the formatter took ~10 % of the request threads' samples at saturation, issue 17); anything
     * else, valid or not, goes to the formatter, which answers it as before. {@code IsoTimesTest}
     * checks the two agree on generated input.
     *
     * @throws DateTimeParseException when the formatter refuses it
     */
    static long isoMillis(String text) {
        long millis = commonIsoMillis(text);
        return millis != Long.MIN_VALUE ? millis : DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from).toEpochMilli();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f…](Z|±HH:mm)} with every field in range, or Long.MIN_VALUE for anything else. */
    private static long commonIsoMillis(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        int i = 19;
        int fractionMillis = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start < 3) {
                    fractionMillis = fractionMillis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                return Long.MIN_VALUE;
            }
            for (int k = count; k < 3; k++) {
                fractionMillis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59
                    || (offsetHours == 18 && offsetMinutes > 0)) {
                return Long.MIN_VALUE;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return Long.MIN_VALUE;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        long seconds = epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return seconds * 1_000 + fractionMillis;
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 if any is not one. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static void requireOrder(long startedAt, long endedAt, String message) {
        if (endedAt < startedAt) {
            throw ApiException.badRequest(message);
        }
    }
}
