package io.heliograph.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * JSON exactly as JavaScript sees it: {@link #canonical(String)} is byte for byte Node.js's
 * {@code JSON.stringify(JSON.parse(x))}. Helicone-style receivers verify the body's HMAC by
 * re-serialising the parsed body that way, so every webhook body is produced here. Pure and
 * thread-safe.
 *
 * <p>The value tree is plain Java: objects are {@code Map<String, Object>} ({@link LinkedHashMap}
 * from {@link #parse}, iterating in first-insertion order), arrays {@code List<Object>}, strings
 * {@link String} (UTF-16 code units, lone surrogates kept), numbers {@link Double}, booleans
 * {@link Boolean}, JSON null {@code null}. The JavaScript property order (array-index keys first,
 * ascending, then the other keys in insertion order) is applied by {@link #stringify}, so it holds
 * for any map handed to it.
 *
 * <p>Nesting deeper than {@value #MAX_DEPTH} is refused with {@link IllegalArgumentException} by
 * both {@link #parse} and {@link #stringify} (which also makes a cyclic tree fail cleanly).
 */
public final class JsJson {

    /** Deepest nesting of objects/arrays accepted (a top-level container is depth 1). */
    public static final int MAX_DEPTH = 1000;

    private static final double TWO_POW_53 = 9007199254740992.0;
    private static final long MAX_ARRAY_INDEX = 4294967294L; // 2^32 - 2
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String[] CONTROL_ESCAPES = new String[0x20];
    private static final Comparator<Map.Entry<?, ?>> INDEX_ORDER = (a, b) -> {
        String x = (String) a.getKey();
        String y = (String) b.getKey();
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    };

    static {
        for (int c = 0; c < 0x20; c++) {
            CONTROL_ESCAPES[c] = "\\u00" + HEX[c >> 4] + HEX[c & 0xF];
        }
        CONTROL_ESCAPES['\b'] = "\\b";
        CONTROL_ESCAPES['\t'] = "\\t";
        CONTROL_ESCAPES['\n'] = "\\n";
        CONTROL_ESCAPES['\f'] = "\\f";
        CONTROL_ESCAPES['\r'] = "\\r";
    }

    private JsJson() {
    }

    /**
     * {@code JSON.parse} with JavaScript semantics. Numbers become correctly rounded doubles
     * ({@code 1e400} is Infinity, {@code -0} is -0.0); a duplicate key keeps the position of its
     * first occurrence and the value of its last; {@code \ud800} stays a lone UTF-16 code unit.
     *
     * @throws IllegalArgumentException if {@code json} is not valid JSON text (or is null, or
     *     nests deeper than {@value #MAX_DEPTH})
     */
    public static Object parse(String json) {
        return JsJsonParser.parse(json);
    }

    /**
     * {@code JSON.stringify} of a value tree: no whitespace, JavaScript property order, numbers as
     * ECMAScript {@code Number::toString} (NaN and the infinities as {@code null}), strings escaped
     * as well-formed {@code JSON.stringify} does.
     *
     * <p>Accepts {@code Map<String, ?>}, {@code List<?>}, {@link String} (and other
     * {@link CharSequence}s), {@link Number} (its double value, as JavaScript would hold it),
     * {@link Boolean} and {@code null}, nested freely.
     *
     * @throws IllegalArgumentException on any other type, a non-String map key, or nesting deeper
     *     than {@value #MAX_DEPTH}
     */
    public static String stringify(Object value) {
        return stringify(value, 256);
    }

    private static String stringify(Object value, int expectedChars) {
        StringBuilder sb = new StringBuilder(Math.max(16, expectedChars));
        write(sb, value, 0);
        return sb.toString();
    }

    /**
     * JSON text written by {@link #stringify}, to be placed in a larger tree as it is: stringifying
     * the tree writes the text instead of walking the value again. Made only by {@link #stringified}.
     */
    public static final class Stringified {
        private final String text;

        private Stringified(String text) {
            this.text = text;
        }

        /** The text, as {@link #stringify} wrote it. */
        public String text() {
            return text;
        }
    }

    /** {@link #stringify} once, kept for writing the same value inside a larger tree. */
    public static Stringified stringified(Object value) {
        return new Stringified(stringify(value));
    }

    /**
     * {@code stringify(parse(json))}: what Node.js's {@code JSON.stringify(JSON.parse(json))} gives —
     * in one pass over the text when it can ({@link JsJsonCanonical}), else through the tree, whose
     * errors are the ones thrown.
     */
    public static String canonical(String json) {
        String text = json == null ? null : JsJsonCanonical.of(json);
        return text != null ? text : stringify(parse(json));
    }

    /**
     * {@code stringified(parse(json))}, written as {@link #canonical}; null when {@code json} is JSON
     * {@code null} (nothing to place).
     */
    public static Stringified canonicalStringified(String json) {
        String text = canonical(json);
        // "null" is also what an infinite number writes (1e400): that is a value, only the literal is none.
        return text.equals("null") && json.trim().startsWith("n") ? null : new Stringified(text);
    }

    /** A new, empty ordered object for assembling a payload; {@link #stringify} accepts it. */
    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /**
     * The UTF-8 bytes of {@code stringify(value)}: what gets signed and sent. Encodes like Node's
     * {@code Buffer.from(str, 'utf8')} (a lone surrogate would become EF BF BD; stringify escapes
     * them, so none reach the encoder in practice).
     */
    public static byte[] utf8(Object value) {
        return utf8(value, 256);
    }

    /** As {@link #utf8(Object)}, writing into room for {@code expectedChars} from the start. */
    public static byte[] utf8(Object value, int expectedChars) {
        return encodeUtf8(stringify(value, expectedChars));
    }

    // ------------------------------------------------------------------------------------------
    // UTF-8

    /** UTF-8 as Node encodes a JS string: valid pairs as 4 bytes, lone surrogates as U+FFFD. */
    static byte[] encodeUtf8(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return encodeUtf8Slow(s);
            }
        }
        return s.getBytes(StandardCharsets.UTF_8); // well-formed: the JDK's fast encoder is exact
    }

    private static byte[] encodeUtf8Slow(String s) {
        int n = s.length();
        byte[] out = new byte[n * 3];
        int j = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[j++] = (byte) c;
            } else if (c < 0x800) {
                out[j++] = (byte) (0xC0 | (c >> 6));
                out[j++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[j++] = (byte) (0xF0 | (cp >> 18));
                out[j++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[j++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                out[j++] = (byte) (0xE0 | (cp >> 12));
                out[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[j++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        return Arrays.copyOf(out, j);
    }

    // ------------------------------------------------------------------------------------------
    // Writer

    private static void write(StringBuilder sb, Object v, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> writeString(sb, s);
            case Stringified s -> sb.append(s.text);
            case Double d -> writeNumber(sb, d);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Map<?, ?> m -> writeObject(sb, m, depth + 1);
            case List<?> l -> writeArray(sb, l, depth + 1);
            case Integer i -> writeLong(sb, i);
            case Long l -> writeLong(sb, l);
            case Short s -> writeLong(sb, s);
            case Byte b -> writeLong(sb, b);
            case Number n -> writeNumber(sb, n.doubleValue());
            case CharSequence cs -> writeString(sb, cs.toString());
            default -> throw new IllegalArgumentException(
                    "JsJson cannot stringify a " + v.getClass().getName());
        }
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "JSON nesting deeper than " + MAX_DEPTH + " (or a cyclic structure)");
        }
    }

    private static void writeArray(StringBuilder sb, List<?> list, int depth) {
        checkDepth(depth);
        sb.append('[');
        if (list instanceof RandomAccess) {
            for (int i = 0, n = list.size(); i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, list.get(i), depth);
            }
        } else {
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o, depth);
            }
        }
        sb.append(']');
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> map, int depth) {
        checkDepth(depth);
        sb.append('{');
        Map.Entry<?, ?>[] indexed = null;
        int nIndexed = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (isArrayIndex(key(e))) {
                if (indexed == null) {
                    indexed = new Map.Entry<?, ?>[map.size()];
                }
                indexed[nIndexed++] = e;
            }
        }
        boolean first = true;
        if (nIndexed > 0) {
            if (nIndexed > 1) {
                Arrays.sort(indexed, 0, nIndexed, INDEX_ORDER);
            }
            for (int i = 0; i < nIndexed; i++) {
                first = writeMember(sb, (String) indexed[i].getKey(), indexed[i].getValue(), first, depth);
            }
            if (nIndexed == map.size()) {
                sb.append('}');
                return;
            }
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String k = (String) e.getKey();
            if (nIndexed == 0 || !isArrayIndex(k)) {
                first = writeMember(sb, k, e.getValue(), first, depth);
            }
        }
        sb.append('}');
    }

    private static String key(Map.Entry<?, ?> e) {
        if (e.getKey() instanceof String k) {
            return k;
        }
        throw new IllegalArgumentException("JsJson object keys must be Strings, got "
                + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
    }

    private static boolean writeMember(StringBuilder sb, String k, Object v, boolean first, int depth) {
        if (!first) {
            sb.append(',');
        }
        writeString(sb, k);
        sb.append(':');
        write(sb, v, depth);
        return false;
    }

    /** A canonical array index: "0" or [1-9][0-9]* with value at most 2^32 - 2. */
    static boolean isArrayIndex(String k) {
        return isArrayIndex(k, 0, k.length());
    }

    /** As {@link #isArrayIndex(String)}, for the characters of {@code s} from {@code start} to {@code end}. */
    static boolean isArrayIndex(String s, int start, int end) {
        int n = end - start;
        if (n == 0 || n > 10) {
            return false;
        }
        char c = s.charAt(start);
        if (c < '0' || c > '9') {
            return false;
        }
        if (c == '0') {
            return n == 1;
        }
        long v = c - '0';
        for (int i = start + 1; i < end; i++) {
            c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        return v <= MAX_ARRAY_INDEX;
    }

    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)) {
                continue;
            }
            String esc;
            if (c < 0x20) {
                esc = CONTROL_ESCAPES[c];
            } else if (c == '"') {
                esc = "\\\"";
            } else if (c == '\\') {
                esc = "\\\\";
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a well-formed pair is written raw
                continue;
            } else {
                // a lone surrogate (a low one here is always unpaired: pairs were skipped whole)
                esc = null;
            }
            sb.append(s, from, i);
            if (esc != null) {
                sb.append(esc);
            } else {
                sb.append('\\').append('u')
                        .append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
            from = i + 1;
        }
        sb.append(s, from, n);
        sb.append('"');
    }

    private static void writeLong(StringBuilder sb, long v) {
        if (v >= -(1L << 53) && v <= (1L << 53)) {
            sb.append(v); // exactly representable: JS prints every digit
        } else {
            writeNumber(sb, (double) v);
        }
    }

    /** ECMAScript Number::toString, with NaN and the infinities as JSON.stringify's "null". */
    static void writeNumber(StringBuilder sb, double d) {
        if (d != d || d == Double.POSITIVE_INFINITY || d == Double.NEGATIVE_INFINITY) {
            sb.append("null");
            return;
        }
        if (d == 0) {
            sb.append('0'); // also -0
            return;
        }
        if (Math.abs(d) <= TWO_POW_53 && d == Math.rint(d)) {
            sb.append((long) d); // an exact integer below 2^53: its digits are the shortest
            return;
        }
        if (d < 0) {
            sb.append('-');
            d = -d;
        }
        // Since JDK 19 Double.toString gives the shortest uniquely-distinguishing digits, closest
        // to the value (Raffaello Giulietti's Schubfach); only its layout differs from JS's.
        String j = Double.toString(d);
        char[] digits = new char[24];
        int nd = 0;
        int point = -1;
        int exp = 0;
        for (int i = 0, len = j.length(); i < len; i++) {
            char c = j.charAt(i);
            if (c == '.') {
                point = nd;
            } else if (c == 'E') {
                exp = Integer.parseInt(j, i + 1, len, 10);
                break;
            } else {
                digits[nd++] = c;
            }
        }
        if (point < 0) {
            point = nd;
        }
        int lead = 0;
        while (lead < nd && digits[lead] == '0') {
            lead++;
        }
        int end = nd;
        while (end > lead && digits[end - 1] == '0') {
            end--;
        }
        int k = end - lead;          // number of significant digits
        int n = point + exp - lead;  // value = 0.<digits> * 10^n
        if (k == 2 && d < Double.MIN_NORMAL) {
            // Java prefers the closest 2-digit decimal when a 1-digit one also round-trips
            // (e.g. 4.9E-324); JS wants the fewest digits (5e-324). Only subnormals can hit this.
            int one = shortestSingleDigit(d, digits[lead] - '0', n);
            if (one > 0) {
                if (one == 10) {
                    one = 1;
                    n++;
                }
                digits[lead] = (char) ('0' + one);
                k = 1;
            }
        }
        formatEcma(sb, digits, lead, k, n);
    }

    /**
     * For a subnormal whose closest 2-digit decimal is {@code d1.d2 * 10^(n-1)}: the closest
     * 1-digit decimal that still parses back to {@code d} (ties to even), as digit 1..10
     * (10 meaning 1 * 10^n), or 0 if none does.
     */
    private static int shortestSingleDigit(double d, int d1, int n) {
        boolean lo = Double.parseDouble(d1 + "E" + (n - 1)) == d;
        boolean hi = Double.parseDouble((d1 + 1) + "E" + (n - 1)) == d;
        if (lo && hi) {
            BigDecimal exact = new BigDecimal(d);
            BigDecimal low = new BigDecimal(d1 + "E" + (n - 1));
            BigDecimal high = new BigDecimal((d1 + 1) + "E" + (n - 1));
            int cmp = exact.subtract(low).compareTo(high.subtract(exact));
            if (cmp != 0) {
                return cmp < 0 ? d1 : d1 + 1;
            }
            return (d1 % 2 == 0) ? d1 : d1 + 1;
        }
        return lo ? d1 : hi ? d1 + 1 : 0;
    }

    /** Number::toString layout of s = digits[off, off+k) with value 0.s * 10^n. */
    private static void formatEcma(StringBuilder sb, char[] digits, int off, int k, int n) {
        if (k <= n && n <= 21) {
            sb.append(digits, off, k);
            for (int i = k; i < n; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(digits, off, n).append('.').append(digits, off + n, k - n);
        } else if (-6 < n && n <= 0) {
            sb.append('0').append('.');
            for (int i = n; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits, off, k);
        } else {
            sb.append(digits[off]);
            if (k > 1) {
                sb.append('.').append(digits, off + 1, k - 1);
            }
            int e = n - 1;
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
    }
}
