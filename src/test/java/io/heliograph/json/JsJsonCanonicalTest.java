package io.heliograph.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one-pass canonical writer answers exactly what the tree's way answers ({@code stringify(parse(x))},
 * itself checked against Node in {@link JsJsonTest}), or leaves the text to it — and
 * {@link JsJson#canonical} answers, or refuses, every text as the tree's way does.
 */
class JsJsonCanonicalTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "` {\"model\" : \"gpt-4o\", \"n\": 1 }`|`{\"model\":\"gpt-4o\",\"n\":1}`",
        "`-0`|`0`",
        "`[-0, 0, -1, 1E2, 1.50, 1e-7, 123456789012345, 1234567890123456789]`|`[0,0,-1,100,1.5,1e-7,123456789012345,1234567890123456800]`",
        "`[1e400, -1e400, 5e-400]`|`[null,null,0]`",
        "`\"\\u00e9\\/\\u0041\\n\\u001f\\u2028\"`|`\"é/A\\n\\u001f\u2028\"`",
        "`\"\\ud800 lone, pair \\ud83d\\ude00\"`|`\"\\ud800 lone, pair \uD83D\uDE00\"`",
        "`{\"a\":{\"a\":{\"a\":[]}},\"b\":{}}`|`{\"a\":{\"a\":{\"a\":[]}},\"b\":{}}`",
        "`{\"01\":1,\"-1\":2,\"4294967295\":3}`|`{\"01\":1,\"-1\":2,\"4294967295\":3}`",
    })
    void writesInOnePassWhatTheTreeWrites(String input, String expected) {
        assertThat(JsJsonCanonical.of(input)).isEqualTo(expected);
        assertThat(JsJson.stringify(JsJson.parse(input))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"b\":1,\"1\":2}`|`{\"1\":2,\"b\":1}`",
        "`{\"a\":1,\"b\":2,\"a\":3}`|`{\"a\":3,\"b\":2}`",
        "`{\"x\":{\"a\":1,\"a\":2}}`|`{\"x\":{\"a\":2}}`",
        "`{\"\\u0061\":1}`|`{\"a\":1}`",
        "`{\"\\u0031\":1,\"b\":2}`|`{\"1\":1,\"b\":2}`",
    })
    void leavesReorderedOrMergedKeysToTheTree(String input, String expected) {
        assertThat(JsJsonCanonical.of(input)).isNull();
        assertThat(JsJson.canonical(input)).isEqualTo(expected);
    }

    @Test
    void aKeySeenAgainInAnotherObjectIsNoDuplicate() {
        String input = "{\"a\":{\"a\":1,\"b\":2},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{\"b\":{\"c\":3}}}";
        assertThat(JsJsonCanonical.of(input)).isEqualTo(input);
    }

    @Test
    void generatedDocumentsAnswerAsTheTreeAndMostTakeTheOnePass() {
        int onePass = 0;
        int total = 0;
        for (long seed = 1; seed <= 4; seed++) {
            JsJsonTest.DocGenerator gen = new JsJsonTest.DocGenerator(seed);
            for (int i = 0; i < 1_500; i++) {
                String doc = gen.document();
                String fast = JsJsonCanonical.of(doc);
                assertThat(fast == null ? JsJson.canonical(doc) : fast).as(doc).isEqualTo(JsJson.stringify(JsJson.parse(doc)));
                total++;
                onePass += fast == null ? 0 : 1;
            }
        }
        // The generator's keys are often array indexes and repeats: a share of documents must go the tree's way.
        assertThat(onePass).as("documents written in one pass").isBetween(total / 2, total - total / 20);
    }

    @Test
    void brokenTextsAreRefusedAsTheTreeRefusesThem() {
        Random random = new Random(17);
        JsJsonTest.DocGenerator gen = new JsJsonTest.DocGenerator(99);
        String junk = "{}[]\",:\\ -+.eE0123456789tfnul\u0000\n\ud800";
        for (int i = 0; i < 6_000; i++) {
            String doc = gen.document();
            String broken = switch (i % 3) {
                case 0 -> doc.substring(0, random.nextInt(doc.length() + 1)); // cut short
                case 1 -> {
                    int at = random.nextInt(doc.length() + 1); // a character slipped in
                    yield doc.substring(0, at) + junk.charAt(random.nextInt(junk.length())) + doc.substring(at);
                }
                default -> {
                    if (doc.isEmpty()) {
                        yield doc;
                    }
                    int at = random.nextInt(doc.length()); // one left out
                    yield doc.substring(0, at) + doc.substring(at + 1);
                }
            };
            assertThat(answer(() -> JsJson.canonical(broken))).as(broken).isEqualTo(answer(() -> JsJson.stringify(JsJson.parse(broken))));
        }
    }

    @Test
    void nestingAsDeepAsTheParserAllowsAndNoDeeper() {
        String ok = "[".repeat(JsJson.MAX_DEPTH) + "]".repeat(JsJson.MAX_DEPTH);
        assertThat(JsJsonCanonical.of(ok)).isEqualTo(ok);
        String deep = "{\"a\":".repeat(JsJson.MAX_DEPTH) + "[]" + "}".repeat(JsJson.MAX_DEPTH);
        assertThat(JsJsonCanonical.of(deep)).isNull();
        assertThat(answer(() -> JsJson.canonical(deep))).isEqualTo(answer(() -> JsJson.parse(deep)))
                .startsWith("refused: JSON nesting deeper than 1000");
    }

    @Test
    void jsonNullStringifiesToNothingToPlace() {
        assertThat(JsJson.canonicalStringified(" null ")).isNull();
        assertThat(JsJson.canonicalStringified("{\"a\" : null}").text()).isEqualTo("{\"a\":null}");
        assertThat(JsJson.canonicalStringified("\"null\"").text()).isEqualTo("\"null\"");
        assertThat(JsJson.canonicalStringified(" 1e400").text()).as("a value JavaScript writes as null").isEqualTo("null");
    }

    private static String answer(java.util.function.Supplier<Object> call) {
        try {
            return "answered: " + call.get();
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }
}
