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
                millis = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(v.textValue(), Instant::from).toEpochMilli();
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

    static void requireOrder(long startedAt, long endedAt, String message) {
        if (endedAt < startedAt) {
            throw ApiException.badRequest(message);
        }
    }
}
