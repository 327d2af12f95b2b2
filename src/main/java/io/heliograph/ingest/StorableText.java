package io.heliograph.ingest;

import io.heliograph.api.ApiException;

/**
 * Text that every store can keep exactly. PostgreSQL refuses NUL characters, and an unpaired UTF-16
 * surrogate has no UTF-8 form, so either would be silently changed or fail the write: identifying
 * fields a caller sends (ids, properties) are refused instead, and derived ones are repaired.
 */
final class StorableText {
    private StorableText() {
    }

    static boolean isStorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The value, or a 400 naming {@code field} when it cannot be stored exactly. */
    static String require(String value, String field) {
        if (value != null && !isStorable(value)) {
            throw ApiException.badRequest(field + " must not contain NUL characters or unpaired surrogates");
        }
        return value;
    }

    /** The value with NULs and unpaired surrogates replaced by U+FFFD, for facts derived from bodies. */
    static String repair(String value) {
        if (value == null || isStorable(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
