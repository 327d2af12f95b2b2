package io.heliograph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.TestJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsJsonTest {

    /** The contract's vectors, copied into the test resources (see vectors/README.md there). */
    static final String VECTORS = "/vectors/js-json.json";


    // ------------------------------------------------------------------------------------------
    // The contract's vectors: canonical text byte for byte, and its HMAC.

    @TestFactory
    Stream<DynamicTest> contractVectors() throws IOException {
        JsonNode root;
        try (var in = JsJsonTest.class.getResourceAsStream(VECTORS)) {
            if (in == null) {
                fail("JS JSON contract vectors not found on the test classpath at " + VECTORS);
            }
            // Read with Jackson, so the vectors do not go through the parser under test.
            root = TestJson.MAPPER.readTree(in);
        }
        byte[] key = root.path("key").asText().getBytes(StandardCharsets.UTF_8);
        List<JsonNode> vectors = new ArrayList<>();
        root.path("vectors").forEach(vectors::add);
        assertThat(key).as("vectors key").isNotEmpty();
        assertThat(vectors).as("vectors in " + VECTORS).isNotEmpty();
        return vectors.stream().map(v -> {
            String input = v.get("input").asText();
            String canonical = v.get("canonical").asText();
            String hmac = v.get("hmac_sha256_hex_with_key").asText();
            return DynamicTest.dynamicTest(input, () -> {
                assertThat(JsJson.canonical(input)).isEqualTo(canonical);
                byte[] body = JsJson.utf8(JsJson.parse(input));
                assertThat(body).isEqualTo(canonical.getBytes(StandardCharsets.UTF_8));
                assertThat(hmacHex(key, body)).isEqualTo(hmac);
            });
        });
    }

    private static String hmacHex(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data));
    }

    // ------------------------------------------------------------------------------------------
    // Expected outputs produced by Node.js 20 with
    //   node -e 'console.log(JSON.stringify(JSON.parse(x)))'
    // for each input x (Java literals generated from the same run).

    static Stream<Arguments> nodeCases() {
        return Stream.of(
            Arguments.of("0.1",
                    "0.1"),
            Arguments.of("100",
                    "100"),
            Arguments.of("1e20",
                    "100000000000000000000"),
            Arguments.of("1e21",
                    "1e+21"),
            Arguments.of("123e-20",
                    "1.23e-18"),
            Arguments.of("1.5e-6",
                    "0.0000015"),
            Arguments.of("0.000001234",
                    "0.000001234"),
            Arguments.of("9007199254740992",
                    "9007199254740992"),
            Arguments.of("-1e-7",
                    "-1e-7"),
            Arguments.of("4.35",
                    "4.35"),
            Arguments.of("0.30000000000000004",
                    "0.30000000000000004"),
            Arguments.of("1e-6",
                    "0.000001"),
            Arguments.of("1E+2",
                    "100"),
            Arguments.of("-0",
                    "0"),
            Arguments.of("-0.0",
                    "0"),
            Arguments.of("0.1e1",
                    "1"),
            Arguments.of("100e-2",
                    "1"),
            Arguments.of("1.0000000000000002",
                    "1.0000000000000002"),
            Arguments.of("2e-7",
                    "2e-7"),
            Arguments.of("123456789012345680000",
                    "123456789012345680000"),
            Arguments.of("1e300",
                    "1e+300"),
            Arguments.of("4294967295",
                    "4294967295"),
            Arguments.of("2.5e-324",
                    "5e-324"),
            Arguments.of("1e-324",
                    "0"),
            Arguments.of("1e400",
                    "null"),
            Arguments.of("-1e400",
                    "null"),
            Arguments.of("[12345678901234567890,9007199254740993,-9007199254740993,1.7976931348623157e308,5e-324]",
                    "[12345678901234567000,9007199254740992,-9007199254740992,1.7976931348623157e+308,5e-324]"),
            Arguments.of("[0.5,25,-3.75,1e-5,0.00001,1e-6,1e-7,1.2e-7,123.456e5,1e15,1e16,1e17,-1.5e21,999999999999999999999,1e22]",
                    "[0.5,25,-3.75,0.00001,0.00001,0.000001,1e-7,1.2e-7,12345600,1000000000000000,10000000000000000,100000000000000000,-1.5e+21,1e+21,1e+22]"),
            Arguments.of("{\"4294967294\":1,\"4294967295\":2,\"a\":3,\"0\":4}",
                    "{\"0\":4,\"4294967294\":1,\"4294967295\":2,\"a\":3}"),
            Arguments.of("{\"00\":1,\"-0\":2,\"1.0\":3,\"1\":4,\"0\":5,\"+1\":6,\" 1\":7,\"1 \":8}",
                    "{\"0\":5,\"1\":4,\"00\":1,\"-0\":2,\"1.0\":3,\"+1\":6,\" 1\":7,\"1 \":8}"),
            Arguments.of("{\"b\":1,\"10\":2,\"9\":3,\"a\":4,\"100\":5,\"4294967296\":6,\"18446744073709551615\":7}",
                    "{\"9\":3,\"10\":2,\"100\":5,\"b\":1,\"a\":4,\"4294967296\":6,\"18446744073709551615\":7}"),
            Arguments.of("{\"a\":1,\"b\":2,\"a\":3}",
                    "{\"a\":3,\"b\":2}"),
            Arguments.of("{\"1\":1,\"x\":2,\"1\":3,\"x\":{\"y\":1,\"y\":2}}",
                    "{\"1\":3,\"x\":{\"y\":2}}"),
            Arguments.of("{\"a\":{\"p\":1},\"b\":0,\"a\":[true]}",
                    "{\"a\":[true],\"b\":0}"),
            Arguments.of("{\"a\":[{\"b\":{\"c\":[1,[2,[3,{}]]]}}],\"d\":{\"e\":[]},\"f\":[[[[]]]]}",
                    "{\"a\":[{\"b\":{\"c\":[1,[2,[3,{}]]]}}],\"d\":{\"e\":[]},\"f\":[[[[]]]]}"),
            Arguments.of("\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\u0009\\u000a\\u000b\\u000c\\u000d\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"",
                    "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\""),
            Arguments.of("\"\\u007f\\u0080\\u00ff\\u2028\\u2029\\ufeff\\uffff\"",
                    "\"\u007F\u0080\u00FF\u2028\u2029\uFEFF\uFFFF\""),
            Arguments.of("\"\u2028\u2029 raw\"",
                    "\"\u2028\u2029 raw\""),
            Arguments.of("\"\\ud83d\\ude00 \\uD834\\uDD1E \uD83D\uDE00\"",
                    "\"\uD83D\uDE00 \uD834\uDD1E \uD83D\uDE00\""),
            Arguments.of("\"\\ud800\"",
                    "\"\\ud800\""),
            Arguments.of("\"x\\udbff\"",
                    "\"x\\udbff\""),
            Arguments.of("\"\\udc00y\"",
                    "\"\\udc00y\""),
            Arguments.of("\"\\ude00\\ud83d\"",
                    "\"\\ude00\\ud83d\""),
            Arguments.of("\"\\ud800\\ud800\\udc00\"",
                    "\"\\ud800\uD800\uDC00\""),
            Arguments.of("\"\\/ \\\" \\\\ \\b\\f\\n\\r\\t\"",
                    "\"/ \\\" \\\\ \\b\\f\\n\\r\\t\""),
            Arguments.of("{\"\\u0000key\\n\":\"\\u001f\",\"\\ud800\":1}",
                    "{\"\\u0000key\\n\":\"\\u001f\",\"\\ud800\":1}"),
            Arguments.of("\"\\u00e9 \u00E9 \u4E2D\u6587 \\u4E2D\"",
                    "\"\u00E9 \u00E9 \u4E2D\u6587 \u4E2D\""),
            Arguments.of(" \t\n\r{ \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } , \"c\":[ ] } \r\n",
                    "{\"a\":[1,2],\"b\":{},\"c\":[]}"),
            Arguments.of("{}",
                    "{}"),
            Arguments.of("[]",
                    "[]"),
            Arguments.of("[[],{},[{}]]",
                    "[[],{},[{}]]"),
            Arguments.of("\"\"",
                    "\"\""),
            Arguments.of("true",
                    "true"),
            Arguments.of(" null ",
                    "null"),
            Arguments.of("false",
                    "false"),
            Arguments.of("\"x\"",
                    "\"x\""),
            Arguments.of("[null,true,false,\"\",0]",
                    "[null,true,false,\"\",0]")
        );
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nodeCases")
    void matchesNode(String input, String expected) {
        assertThat(JsJson.canonical(input)).isEqualTo(expected);
        assertThat(JsJson.canonical(expected)).as("idempotent").isEqualTo(expected);
    }

    // Every one of these makes Node's JSON.parse throw a SyntaxError (checked with node).
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "[1,]",
            "{\"a\":1,}",
            "{'a':1}",
            "['a']",
            "NaN",
            "Infinity",
            "-Infinity",
            "01",
            "-01",
            "-",
            "\"a\001b\"",
            "\"tab\there\"",
            "\"nl\nhere\"",
            "[1] x",
            "{} {}",
            "",
            "   ",
            "{\"a\" 1}",
            "[1 2]",
            "tru",
            "nul",
            "nulll",
            ".5",
            "1.",
            "1e",
            "1e+",
            "+1",
            "0x10",
            "\"\\x\"",
            "\"\\u12G4\"",
            "\"\\u00e\"",
            "\"abc",
            "{\"a\":1",
            "[",
            "{",
            "{\"a\"}",
            "[,1]",
            "{,}",
            "{a:1}",
            "\uFEFF1",
            "\u00A01",
            "1\u00A0",
            "undefined",
            "//c\n1",
            "\"\\U0041\"",
            "[1,,2]",
            "-.5",
            "1.e5",
            "1e5.5",
            "\u20281",
    })
    void rejectsInvalidJson(String input) {
        assertThatThrownBy(() -> JsJson.parse(input)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullInput() {
        assertThatThrownBy(() -> JsJson.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessageNamesThePosition() {
        assertThatThrownBy(() -> JsJson.parse("[1,]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("']'")
                .hasMessageContaining("position 3");
    }

    // ------------------------------------------------------------------------------------------
    // The value tree

    @Test
    void parseBuildsPlainJavaValues() {
        Object tree = JsJson.parse("{\"s\":\"x\",\"n\":1.5,\"i\":7,\"t\":true,\"f\":false,\"z\":null,"
                + "\"a\":[1,\"2\"],\"o\":{},\"nz\":-0,\"inf\":1e400,\"ninf\":-1e400}");
        assertThat(tree).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) tree;
        assertThat(m.get("s")).isEqualTo("x");
        assertThat(m.get("n")).isEqualTo(1.5);
        assertThat(m.get("i")).isEqualTo(7.0);
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.get("f")).isEqualTo(Boolean.FALSE);
        assertThat(m).containsKey("z");
        assertThat(m.get("z")).isNull();
        assertThat(m.get("a")).isEqualTo(List.of(1.0, "2"));
        assertThat(m.get("o")).isEqualTo(Map.of());
        assertThat(m.get("nz")).isEqualTo(-0.0);
        assertThat(m.get("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(m.get("ninf")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void duplicateKeyKeepsFirstPositionAndLastValue() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsJson.parse("{\"a\":1,\"b\":2,\"a\":3,\"c\":4,\"b\":5}");
        assertThat(m.keySet()).containsExactly("a", "b", "c");
        assertThat(m.values()).containsExactly(3.0, 5.0, 4.0);
    }

    @Test
    void loneSurrogateEscapesStayLoneCodeUnits() {
        assertThat(JsJson.parse("\"a\\ud800b\\uDC00\"")).isEqualTo("a\ud800b\udc00");
        assertThat(JsJson.parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void numbersParseCorrectlyRounded() {
        assertThat(JsJson.parse("9007199254740993")).isEqualTo(9007199254740992.0);
        assertThat(JsJson.parse("0.1")).isEqualTo(0.1);
        assertThat(JsJson.parse("2.2250738585072011e-308")).isEqualTo(2.225073858507201E-308);
        assertThat(JsJson.parse("1" + "0".repeat(400))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(JsJson.parse("0." + "0".repeat(400) + "1")).isEqualTo(0.0);
        assertThat(JsJson.parse("1e99999999999999999999")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(JsJson.parse("-1e-99999999999999999999")).isEqualTo(-0.0);
    }

    // ------------------------------------------------------------------------------------------
    // Builders and Java types

    @Test
    void builderObjectWithJavaTypes() {
        Map<String, Object> o = JsJson.object();
        o.put("b", 1);
        o.put("a", new ArrayList<>(java.util.Arrays.asList(1.5, null, true, "x")));
        o.put("2", "two");
        o.put("big", Long.MAX_VALUE);
        o.put("min", Integer.MIN_VALUE);
        o.put("f", 0.1f);
        o.put("dec", new BigDecimal("0.1"));
        o.put("bi", BigInteger.TWO.pow(64));
        o.put("nan", Double.NaN);
        o.put("inf", Double.POSITIVE_INFINITY);
        o.put("nz", -0.0);
        Map<String, Object> zero = JsJson.object();
        zero.put("z", List.of());
        zero.put("y", Map.of());
        o.put("0", zero);
        o.put("s", new StringBuilder("é\u2028\uD83D\uDE00\n"));
        // node: o={}; o.b=1; o.a=[1.5,null,true,"x"]; o["2"]="two"; o.big=2**63; o.min=-2147483648;
        //       o.f=Math.fround(0.1); o.dec=0.1; o.bi=2**64; o.nan=NaN; o.inf=Infinity; o.nz=-0;
        //       o["0"]={z:[],y:{}}; o.s="é\u2028😀\n"; console.log(JSON.stringify(o))
        assertThat(JsJson.stringify(o)).isEqualTo("{\"0\":{\"z\":[],\"y\":{}},\"2\":\"two\",\"b\":1,"
                + "\"a\":[1.5,null,true,\"x\"],\"big\":9223372036854776000,\"min\":-2147483648,"
                + "\"f\":0.10000000149011612,\"dec\":0.1,\"bi\":18446744073709552000,\"nan\":null,"
                + "\"inf\":null,\"nz\":0,\"s\":\"\u00E9\u2028\uD83D\uDE00\\n\"}");
    }

    @Test
    void integersFormatAsTheirDoubleValue() {
        // node: JSON.stringify(x) for Number(9223372036854775807n), -2**63, 2**53+2, Number(9007199254740993n)
        assertThat(JsJson.stringify(Long.MAX_VALUE)).isEqualTo("9223372036854776000");
        assertThat(JsJson.stringify(Long.MIN_VALUE)).isEqualTo("-9223372036854776000");
        assertThat(JsJson.stringify(9007199254740994L)).isEqualTo("9007199254740994");
        assertThat(JsJson.stringify(9007199254740993L)).isEqualTo("9007199254740992");
        assertThat(JsJson.stringify(-9007199254740992L)).isEqualTo("-9007199254740992");
        assertThat(JsJson.stringify((short) -7)).isEqualTo("-7");
        assertThat(JsJson.stringify((byte) 7)).isEqualTo("7");
        assertThat(JsJson.stringify(0)).isEqualTo("0");
    }

    @Test
    void topLevelScalars() {
        assertThat(JsJson.stringify(null)).isEqualTo("null");
        assertThat(JsJson.stringify("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(JsJson.stringify(true)).isEqualTo("true");
        assertThat(JsJson.stringify(Double.NEGATIVE_INFINITY)).isEqualTo("null");
        assertThat(JsJson.stringify(List.of())).isEqualTo("[]");
        assertThat(JsJson.stringify(Collections.emptyMap())).isEqualTo("{}");
    }

    @Test
    void arbitraryMapsGetJsKeyOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("4294967295", 2);
        m.put("4294967294", 3);
        m.put("01", 4);
        m.put("0", 5);
        m.put("3", 6);
        assertThat(JsJson.stringify(m))
                .isEqualTo("{\"0\":5,\"3\":6,\"4294967294\":3,\"z\":1,\"4294967295\":2,\"01\":4}");
    }

    @Test
    void stringifyRejectsWhatJsonCannotHold() {
        Map<Object, Object> intKey = new HashMap<>();
        intKey.put(1, "x");
        assertThatThrownBy(() -> JsJson.stringify(intKey)).isInstanceOf(IllegalArgumentException.class);
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        assertThatThrownBy(() -> JsJson.stringify(nullKey)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsJson.stringify(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsJson.stringify(List.of(Map.of("k", new int[0]))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cyclicStructureFailsCleanly() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> JsJson.stringify(cycle)).isInstanceOf(IllegalArgumentException.class);
        Map<String, Object> self = JsJson.object();
        self.put("self", self);
        assertThatThrownBy(() -> JsJson.stringify(self)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------
    // Depth

    @Test
    void nestingUpTo1000IsAccepted() {
        String arrays = "[".repeat(1000) + "]".repeat(1000);
        assertThat(JsJson.canonical(arrays)).isEqualTo(arrays);
        String objects = "{\"a\":".repeat(999) + "[]" + "}".repeat(999);
        assertThat(JsJson.canonical(objects)).isEqualTo(objects);
    }

    @Test
    void nestingDeeperThan1000IsRefused() {
        assertThatThrownBy(() -> JsJson.parse("[".repeat(1001) + "]".repeat(1001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        assertThatThrownBy(() -> JsJson.parse("{\"a\":".repeat(1000) + "[]" + "}".repeat(1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        // far deeper: still an IllegalArgumentException, never a StackOverflowError
        assertThatThrownBy(() -> JsJson.parse("[{\"a\":".repeat(200_000)))
                .isInstanceOf(IllegalArgumentException.class);
        Object deep = List.of();
        for (int i = 0; i < 1000; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> JsJson.stringify(tooDeep)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------
    // UTF-8 as Node's Buffer.from(str, 'utf8')

    @Test
    void utf8Bytes() {
        // node: Buffer.from('"😀é€"', 'utf8')
        assertThat(JsJson.utf8("\uD83D\uDE00\u00E9\u20AC")).isEqualTo(bytes(
                0x22, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x22));
        // a raw lone surrogate is escaped by stringify, so it never reaches the encoder
        assertThat(JsJson.utf8("a\ud800b")).isEqualTo("\"a\\ud800b\"".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void encoderTurnsLoneSurrogatesIntoReplacementCharacters() {
        // node: Buffer.from("a\ud800b", "utf8") -> 61 ef bf bd 62; Buffer.from("\udc00\ud800") -> ef bf bd ef bf bd
        assertThat(JsJson.encodeUtf8("a\ud800b")).isEqualTo(bytes(0x61, 0xef, 0xbf, 0xbd, 0x62));
        assertThat(JsJson.encodeUtf8("\udc00\ud800")).isEqualTo(bytes(0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd));
        assertThat(JsJson.encodeUtf8("\ud800\uD83D\uDE00\u00E9x"))
                .isEqualTo(bytes(0xef, 0xbf, 0xbd, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0x78));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------
    // Generated documents

    /**
     * SHA-256 (hex) of the UTF-8 of Node's JSON.stringify(JSON.parse(doc)) for the 300 documents
     * {@link DocGenerator} makes from seed 20240601, joined with "\n" (computed once with Node.js 20
     * from the same documents). If the generator changes, this must be recomputed with node.
     */
    static final String NODE_DIGEST_OF_GENERATED_DOCS = "aa1f2080ad53ac7d1c683ac76691df11877bd636255f8ebd4cac3710e38c7799";
    static final long SEED = 20240601L;
    static final int DOCS = 300;

    @Test
    void generatedDocumentsAreIdempotentValidAndMatchNode(@TempDir Path dir) throws Exception {
        DocGenerator gen = new DocGenerator(SEED);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            docs.add(gen.document());
        }
        // NUL cannot occur raw in a JSON text (outside strings it is not whitespace; inside it must
        // be escaped), so it separates the documents in the file.
        Path file = dir.resolve("docs.json-seq");
        Files.writeString(file, String.join("\u0000", docs), StandardCharsets.UTF_8);
        String[] read = Files.readString(file, StandardCharsets.UTF_8).split("\u0000", -1);
        assertThat(read).hasSize(DOCS);

        StringBuilder all = new StringBuilder();
        for (String doc : read) {
            String once = JsJson.canonical(doc);
            assertThat(JsJson.stringify(JsJson.parse(once))).as("idempotent for %s", doc).isEqualTo(once);
            TestJson.MAPPER.readTree(once); // well-formed JSON by an independent parser
            if (all.length() > 0) {
                all.append('\n');
            }
            all.append(once);
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(all.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(NODE_DIGEST_OF_GENERATED_DOCS);
    }

    @Test
    void aMegabyteBodyTakesMilliseconds() {
        DocGenerator gen = new DocGenerator(7);
        StringBuilder sb = new StringBuilder("{\"request\":{\"model\":\"gpt-4o\",\"messages\":[");
        for (int i = 0; sb.length() < 1_000_000; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"role\":\"user\",\"content\":\"message ").append(i)
                    .append(" with \\\"quotes\\\", \\u00e9 and \uD83D\uDE00\\n\",\"tokens\":").append(i * 3.25)
                    .append(",\"extra\":").append(gen.document()).append('}');
        }
        sb.append("]}}");
        String body = sb.toString();
        // Generous bound so a slow CI machine does not flake; locally this is a few milliseconds.
        String out = assertTimeout(Duration.ofSeconds(10), () -> {
            String last = null;
            for (int i = 0; i < 5; i++) {
                last = JsJson.canonical(body);
            }
            return last;
        });
        assertThat(JsJson.canonical(out)).isEqualTo(out);
    }

    /** Random JSON texts: odd whitespace, every escape form, tricky keys and numbers. */
    static final class DocGenerator {
        private static final String[] KEYS = {"a", "b", "id", "0", "1", "2", "10", "01", "00", "-0", "1.0",
            "4294967294", "4294967295", "4294967296", "9", "99", "__proto__", "constructor", "", "\u00E9",
            "\uD83D\uDE00", "x y"};
        private final Random r;

        DocGenerator(long seed) {
            r = new Random(seed);
        }

        String document() {
            StringBuilder sb = new StringBuilder();
            whitespace(sb);
            value(sb, 0);
            whitespace(sb);
            return sb.toString();
        }

        private void whitespace(StringBuilder sb) {
            int n = r.nextInt(4) == 0 ? r.nextInt(3) : 0;
            for (int i = 0; i < n; i++) {
                sb.append(" \t\n\r".charAt(r.nextInt(4)));
            }
        }

        private void value(StringBuilder sb, int depth) {
            int kind = depth > 5 ? 2 + r.nextInt(5) : r.nextInt(7);
            switch (kind) {
                case 0 -> {
                    sb.append('{');
                    whitespace(sb);
                    int n = r.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            sb.append(',');
                            whitespace(sb);
                        }
                        string(sb, r.nextInt(3) == 0 ? randomKey() : KEYS[r.nextInt(KEYS.length)]);
                        whitespace(sb);
                        sb.append(':');
                        whitespace(sb);
                        value(sb, depth + 1);
                        whitespace(sb);
                    }
                    sb.append('}');
                }
                case 1 -> {
                    sb.append('[');
                    whitespace(sb);
                    int n = r.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            sb.append(',');
                            whitespace(sb);
                        }
                        value(sb, depth + 1);
                        whitespace(sb);
                    }
                    sb.append(']');
                }
                case 2 -> string(sb, randomString());
                case 3, 4 -> number(sb);
                default -> sb.append(new String[] {"true", "false", "null"}[r.nextInt(3)]);
            }
        }

        private String randomKey() {
            return r.nextBoolean()
                    ? Long.toString(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(100000))
                    : randomString();
        }

        private String randomString() {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                char c = switch (r.nextInt(10)) {
                    case 0 -> (char) r.nextInt(0x20);
                    case 1 -> (char) (0xD800 + r.nextInt(0x800));
                    case 2 -> (char) r.nextInt(0x10000);
                    case 3 -> "\"\\/\u2028\u2029\u007f".charAt(r.nextInt(6));
                    default -> (char) (0x20 + r.nextInt(0x5f));
                };
                s.append(c);
            }
            if (r.nextInt(5) == 0) {
                s.append("\uD83D\uDE00");
            }
            return s.toString();
        }

        /** A JSON string literal for s, mixing escape forms; controls and surrogates always escaped. */
        private void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean must = c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                        && r.nextBoolean()) {
                    sb.append(c).append(s.charAt(++i));
                    continue;
                }
                if (must || r.nextInt(8) == 0) {
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append(r.nextBoolean() ? "\\n" : "\\u000A");
                        case '/' -> sb.append(r.nextBoolean() ? "\\/" : "/");
                        default -> sb.append(String.format(r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                    }
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }

        private void number(StringBuilder sb) {
            switch (r.nextInt(5)) {
                case 0 -> sb.append(r.nextInt(2001) - 1000);
                case 1 -> sb.append(r.nextLong());
                case 2 -> {
                    double d = Double.longBitsToDouble(r.nextLong());
                    sb.append(Double.isFinite(d) ? Double.toString(d) : "1e400");
                }
                case 3 -> {
                    if (r.nextBoolean()) {
                        sb.append('-');
                    }
                    sb.append(r.nextInt(100000));
                    if (r.nextBoolean()) {
                        sb.append('.').append(r.nextInt(100000));
                    }
                    if (r.nextBoolean()) {
                        sb.append(r.nextBoolean() ? 'e' : 'E')
                                .append(r.nextBoolean() ? "+" : r.nextBoolean() ? "-" : "")
                                .append(r.nextInt(400));
                    }
                }
                default -> sb.append(r.nextDouble() * StrictMath.pow(10, r.nextInt(60) - 30));
            }
        }
    }
}
