package io.heliograph.json;

/**
 * {@code JSON.stringify(JSON.parse(x))} written in one pass over the text, without the value tree —
 * for the texts where the two agree token for token: every object's keys distinct and none an array
 * index (which {@code JSON.parse} would move first or merge). Whitespace is dropped, strings are
 * written as {@link JsJson#stringify} writes them, numbers as ECMAScript prints them. Anything else —
 * such a key, nesting deeper than {@value JsJson#MAX_DEPTH}, or a text that is not JSON — answers
 * null, and the caller takes the tree's way, whose answer (or error) is the reference.
 *
 * <p>Webhook payloads carry every stored body this way: parsing into maps and lists and walking them
 * again cost more than the writing itself (docs/benchmarks.md, issue 17, eighth session).
 */
final class JsJsonCanonical {
    /** Objects with more keys than this are left to the tree (the duplicate check here is pairwise). */
    static final int MAX_KEYS = 64;

    /** Thrown to leave the one pass; carries nothing, costs no stack trace. */
    private static final class NotHere extends RuntimeException {
        NotHere() {
            super(null, null, false, false);
        }
    }

    private static final NotHere NOT_HERE = new NotHere();

    private final String s;
    private final int len;
    private final StringBuilder out;
    private int pos;
    /** Start and end of each key of the objects being written, innermost last. */
    private int[] keys = new int[32];
    private int keyTop;

    private JsJsonCanonical(String s, StringBuilder out) {
        this.s = s;
        this.len = s.length();
        this.out = out;
    }

    /** The canonical text of {@code json}, or null where only the tree's way can say (see the class). */
    static String of(String json) {
        JsJsonCanonical w = new JsJsonCanonical(json, new StringBuilder(json.length() + 16));
        try {
            w.skipWhitespace();
            w.value(0);
            w.skipWhitespace();
        } catch (NotHere | StringIndexOutOfBoundsException e) {
            return null;
        }
        return w.pos == w.len ? w.out.toString() : null;
    }

    private void value(int depth) {
        if (pos >= len) {
            throw NOT_HERE;
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object(int depth) {
        if (depth > JsJson.MAX_DEPTH) {
            throw NOT_HERE;
        }
        pos++;
        out.append('{');
        skipWhitespace();
        if (pos < len && s.charAt(pos) == '}') {
            pos++;
            out.append('}');
            return;
        }
        int first = keyTop;
        try {
            while (true) {
                if (pos >= len || s.charAt(pos) != '"') {
                    throw NOT_HERE;
                }
                key(first);
                skipWhitespace();
                expect(':');
                out.append(':');
                skipWhitespace();
                value(depth);
                if (!another('}')) {
                    out.append('}');
                    return;
                }
                out.append(',');
            }
        } finally {
            keyTop = first;
        }
    }

    /** A key: plain (no escape), not an array index, not one this object already had. */
    private void key(int first) {
        int start = pos + 1;
        int end = start;
        while (true) {
            char c = s.charAt(end);
            if (c == '"') {
                break;
            }
            if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                throw NOT_HERE;
            }
            end++;
        }
        int n = end - start;
        if (JsJson.isArrayIndex(s, start, end)) {
            throw NOT_HERE;
        }
        for (int k = first; k < keyTop; k += 2) {
            if (keys[k + 1] - keys[k] == n && s.regionMatches(keys[k], s, start, n)) {
                throw NOT_HERE;
            }
        }
        if (keyTop - first >= 2 * MAX_KEYS) {
            throw NOT_HERE;
        }
        if (keyTop + 2 > keys.length) {
            keys = java.util.Arrays.copyOf(keys, keys.length * 2);
        }
        keys[keyTop++] = start;
        keys[keyTop++] = end;
        out.append(s, pos, end + 1);
        pos = end + 1;
    }

    private void array(int depth) {
        if (depth > JsJson.MAX_DEPTH) {
            throw NOT_HERE;
        }
        pos++;
        out.append('[');
        skipWhitespace();
        if (pos < len && s.charAt(pos) == ']') {
            pos++;
            out.append(']');
            return;
        }
        while (true) {
            value(depth);
            if (!another(']')) {
                out.append(']');
                return;
            }
            out.append(',');
        }
    }

    private boolean another(char close) {
        skipWhitespace();
        if (pos >= len) {
            throw NOT_HERE;
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
        throw NOT_HERE;
    }

    /**
     * A string: copied as it stands when it has neither an escape nor a surrogate (then its text is its
     * value, and stringify would write it back the same); else decoded by the parser and written by the
     * writer, as the tree's way does.
     */
    private void string() {
        int start = pos + 1;
        int i = start;
        while (true) {
            char c = s.charAt(i);
            if (c == '"') {
                out.append(s, pos, i + 1);
                pos = i + 1;
                return;
            }
            if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        JsJsonParser.StringAt decoded = JsJsonParser.stringAt(s, pos);
        if (decoded == null) {
            throw NOT_HERE;
        }
        JsJson.writeString(out, decoded.value());
        pos = decoded.end();
    }

    private void number() {
        JsJsonParser.NumberAt number = JsJsonParser.numberAt(s, pos);
        if (number == null) {
            throw NOT_HERE;
        }
        if (!number.shortInteger()) {
            JsJson.writeNumber(out, number.value());
        } else if (number.value() == 0) {
            out.append('0'); // also -0
        } else {
            // Below 10^15: exactly a double, whose digits JavaScript prints as written (JSON has no leading zeros).
            out.append(s, pos, number.end());
        }
        pos = number.end();
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw NOT_HERE;
        }
        pos += word.length();
        out.append(word);
    }

    private void expect(char c) {
        if (pos >= len || s.charAt(pos) != c) {
            throw NOT_HERE;
        }
        pos++;
    }

    private void skipWhitespace() {
        pos = JsJsonParser.skipWhitespace(s, pos);
    }
}
