package io.heliograph.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code JSON.parse} with JavaScript semantics, behind {@link JsJson#parse}: one instance per text, read
 * once, left to right; an error says at which position the text went wrong.
 */
final class JsJsonParser {
    private static final int MAX_DEPTH = JsJson.MAX_DEPTH;

    private final String s;
    private final int len;
    private int pos;

    private JsJsonParser(String s) {
        this.s = s;
        this.len = s.length();
    }

    /** The value tree of {@code json}; see {@link JsJson#parse} for what it is made of and when it is refused. */
    static Object parse(String json) {
        if (json == null) {
            throw new IllegalArgumentException("Invalid JSON: input is null");
        }
        return new JsJsonParser(json).document();
    }

    /** A string literal's value and the position just past its closing quote. */
    record StringAt(String value, int end) {
    }

    /** The string literal whose opening quote is at {@code quote}; null if it is not a valid one. */
    static StringAt stringAt(String json, int quote) {
        JsJsonParser p = new JsJsonParser(json);
        p.pos = quote;
        try {
            String value = p.string();
            return new StringAt(value, p.pos);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A number's value, the position just past it, and whether it was written as a plain integer of at most 15 digits. */
    record NumberAt(double value, int end, boolean shortInteger) {
    }

    /** The number that starts at {@code start}; null if none valid starts there. */
    static NumberAt numberAt(String json, int start) {
        JsJsonParser p = new JsJsonParser(json);
        p.pos = start;
        try {
            double value = p.number();
            return new NumberAt(value, p.pos, p.shortInteger);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The first position from {@code pos} on that is not JSON whitespace. */
    static int skipWhitespace(String s, int pos) {
        int len = s.length();
        while (pos < len) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return pos;
            }
        }
        return pos;
    }

    private Object document() {
        skipWhitespace();
        Object v = value(0);
        skipWhitespace();
        if (pos < len) {
            throw unexpected();
        }
        return v;
    }

    private Object value(int depth) {
        if (pos >= len) {
            throw error("Unexpected end of JSON input");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw unexpected();
        }
    }

    private Map<String, Object> object(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("JSON nesting deeper than " + MAX_DEPTH);
        }
        pos++; // '{'
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < len && s.charAt(pos) == '}') {
            pos++;
            return map;
        }
        while (true) {
            if (pos >= len) {
                throw error("Unexpected end of JSON input");
            }
            if (s.charAt(pos) != '"') {
                throw unexpected();
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            // put() on an existing key keeps its first position: JS's duplicate-key semantics
            map.put(key, value(depth));
            if (!another('}')) {
                return map;
            }
        }
    }

    /**
     * After an element of an object or array: true past a comma (another element follows), false past
     * {@code close} (the container ended); anything else, or the end of the text, is an error.
     */
    private boolean another(char close) {
        skipWhitespace();
        if (pos >= len) {
            throw error("Unexpected end of JSON input");
        }
        char c = s.charAt(pos);
        if (c == ',') {
            pos++;
            skipWhitespace();
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw unexpected();
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("JSON nesting deeper than " + MAX_DEPTH);
        }
        pos++; // '['
        ArrayList<Object> list = new ArrayList<>();
        skipWhitespace();
        if (pos < len && s.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth));
            if (!another(']')) {
                return list;
            }
        }
    }

    private String string() {
        int start = ++pos; // past the opening quote
        while (pos < len) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("Bad control character in string literal");
            }
            pos++;
        }
        if (pos >= len) {
            throw error("Unterminated string in JSON");
        }
        StringBuilder sb = new StringBuilder(pos - start + 16);
        sb.append(s, start, pos);
        int from = pos;
        while (pos < len) {
            char c = s.charAt(pos);
            if (c == '"') {
                sb.append(s, from, pos++);
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("Bad control character in string literal");
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            sb.append(s, from, pos);
            pos++;
            if (pos >= len) {
                throw error("Unterminated string in JSON");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > len) {
                        throw error("Bad Unicode escape in JSON");
                    }
                    int cu = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = hexValue(s.charAt(pos));
                        if (h < 0) {
                            throw error("Bad Unicode escape in JSON");
                        }
                        cu = (cu << 4) | h;
                        pos++;
                    }
                    sb.append((char) cu);
                }
                default -> {
                    pos--;
                    throw error("Bad escaped character in JSON");
                }
            }
            from = pos;
        }
        throw error("Unterminated string in JSON");
    }

    /** Set by {@link #number}: the last number was a plain integer of at most 15 digits. */
    private boolean shortInteger;

    private Double number() {
        int start = pos;
        boolean negative = s.charAt(pos) == '-';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        if (pos >= len) {
            throw error("No number after minus sign in JSON");
        }
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            pos++;
            while (pos < len && isDigit(s.charAt(pos))) {
                pos++;
            }
        } else {
            throw error("No number after minus sign in JSON");
        }
        int intEnd = pos;
        boolean plainInteger = true;
        if (pos < len && s.charAt(pos) == '.') {
            plainInteger = false;
            pos++;
            digits("Unterminated fractional number in JSON");
        }
        if (pos < len && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            plainInteger = false;
            pos++;
            if (pos < len && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            digits("Exponent part is missing a number in JSON");
        }
        shortInteger = plainInteger && intEnd - digitsStart <= 15;
        if (shortInteger) {
            long v = 0;
            for (int i = digitsStart; i < intEnd; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            double d = v; // exact: below 10^15 < 2^53
            return negative ? -d : d;
        }
        // Double.parseDouble is correctly rounded; out of range gives +-Infinity or +-0 as in JS.
        return Double.parseDouble(s.substring(start, pos));
    }

    private void digits(String message) {
        if (pos >= len || !isDigit(s.charAt(pos))) {
            throw error(message);
        }
        while (pos < len && isDigit(s.charAt(pos))) {
            pos++;
        }
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            for (int i = 0; i < word.length(); i++) {
                if (pos + i >= len) {
                    pos += i;
                    throw error("Unexpected end of JSON input");
                }
                if (s.charAt(pos + i) != word.charAt(i)) {
                    pos += i;
                    throw unexpected();
                }
            }
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (pos >= len) {
            throw error("Unexpected end of JSON input");
        }
        if (s.charAt(pos) != c) {
            throw unexpected();
        }
        pos++;
    }

    private void skipWhitespace() {
        pos = skipWhitespace(s, pos);
    }

    private IllegalArgumentException unexpected() {
        if (pos >= len) {
            return error("Unexpected end of JSON input");
        }
        char c = s.charAt(pos);
        String shown = c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
        return error("Unexpected token " + shown + " in JSON");
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at position " + pos);
    }
}
