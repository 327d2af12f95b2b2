package io.heliograph.ingest.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.support.TestJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageTest {
    private static Usage usage(String text) {
        return Usage.from(TestJson.parse(text));
    }

    @Test
    void openAiChatCompletion() {
        Usage u = usage("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
                 "usage":{"prompt_tokens":1300,"completion_tokens":17,"total_tokens":1317,
                          "prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},
                          "completion_tokens_details":{"reasoning_tokens":0}}}""");
        assertThat(u).isEqualTo(new Usage(1300L, 17L, 1317L, 1024L, null));
        assertThat(u.isKnown()).isTrue();
    }

    @Test
    void openAiChatWithoutDetails() {
        assertThat(usage("""
                {"usage":{"prompt_tokens":13,"completion_tokens":17,"total_tokens":30}}"""))
                .isEqualTo(new Usage(13L, 17L, 30L, null, null));
    }

    @Test
    void openAiResponsesApi() {
        Usage u = usage("""
                {"id":"resp_1","object":"response","model":"o4-mini",
                 "usage":{"input_tokens":2006,"input_tokens_details":{"cached_tokens":1920},
                          "output_tokens":300,"output_tokens_details":{"reasoning_tokens":256},
                          "total_tokens":2306}}""");
        assertThat(u).isEqualTo(new Usage(2006L, 300L, 2306L, 1920L, null));
    }

    @Test
    void openAiEmbeddingsHaveNoOutputTokens() {
        Usage u = usage("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}""");
        // The completion count is what the total leaves over: none.
        assertThat(u).isEqualTo(new Usage(8L, 0L, 8L, null, null));
    }

    @Test
    void openAiPromptOnlyWithoutTotalLeavesCompletionUnknown() {
        assertThat(usage("""
                {"usage":{"prompt_tokens":8}}""")).isEqualTo(new Usage(8L, null, null, null, null));
    }

    @Test
    void anthropicWithCacheAddsCachedTokensToThePrompt() {
        Usage u = usage("""
                {"id":"msg_1","type":"message","model":"claude-sonnet-4-5-20250929",
                 "usage":{"input_tokens":21,"cache_creation_input_tokens":188086,
                          "cache_read_input_tokens":1000,"output_tokens":393,
                          "service_tier":"standard"}}""");
        assertThat(u).isEqualTo(new Usage(21L + 188_086L + 1000L, 393L, 21L + 188_086L + 1000L + 393L, 1000L, 188_086L));
    }

    @Test
    void anthropicWithZeroAndNullCacheFields() {
        assertThat(usage("""
                {"type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":0,
                 "cache_read_input_tokens":null,"output_tokens":5}}"""))
                .isEqualTo(new Usage(10L, 5L, 15L, null, 0L));
    }

    @Test
    void anthropicWithoutCacheFields() {
        assertThat(usage("""
                {"type":"message","usage":{"input_tokens":10,"output_tokens":5}}"""))
                .isEqualTo(new Usage(10L, 5L, 15L, null, null));
    }

    @Test
    void anthropicJunkCacheCountLeavesThePromptUnknown() {
        assertThat(usage("""
                {"usage":{"input_tokens":10,"cache_read_input_tokens":"lots","output_tokens":5}}"""))
                .isEqualTo(new Usage(null, 5L, null, null, null));
    }

    @Test
    void googleWithThoughtsCountsThemAsCompletion() {
        Usage u = usage("""
                {"candidates":[{"content":{"parts":[{"text":"hi"}]}}],
                 "usageMetadata":{"promptTokenCount":120,"candidatesTokenCount":30,"totalTokenCount":250,
                                  "cachedContentTokenCount":100,"thoughtsTokenCount":100},
                 "modelVersion":"gemini-2.5-flash"}""");
        assertThat(u).isEqualTo(new Usage(120L, 130L, 250L, 100L, null));
    }

    @Test
    void googleWithoutThoughts() {
        assertThat(usage("""
                {"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6}}"""))
                .isEqualTo(new Usage(4L, 6L, 10L, null, null));
    }

    @Test
    void googleWithThoughtsOnly() {
        // Google's JSON omits zero counts: no candidates field means none were produced.
        assertThat(usage("""
                {"usageMetadata":{"promptTokenCount":4,"thoughtsTokenCount":50,"totalTokenCount":54}}"""))
                .isEqualTo(new Usage(4L, 50L, 54L, null, null));
    }

    @Test
    void googleJunkThoughtsLeaveTheCompletionUnknown() {
        assertThat(usage("""
                {"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6,"thoughtsTokenCount":-1}}"""))
                .isEqualTo(new Usage(4L, null, null, null, null));
    }

    @Test
    void totalIsDerivedOnlyWhenBothPartsAreKnown() {
        assertThat(usage("{\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17}}").totalTokens()).isEqualTo(30L);
        assertThat(usage("{\"usage\":{\"completion_tokens\":17}}"))
                .isEqualTo(new Usage(null, 17L, null, null, null));
    }

    @Test
    void givenTotalWinsOverTheSum() {
        // As stated, even if it disagrees: the provider may count tokens it does not itemise.
        assertThat(usage("{\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":31}}")
                .totalTokens()).isEqualTo(31L);
    }

    @Test
    void junkTotalIsReplacedByTheSum() {
        assertThat(usage("{\"usage\":{\"prompt_tokens\":13,\"completion_tokens\":17,\"total_tokens\":\"30\"}}"))
                .isEqualTo(new Usage(13L, 17L, 30L, null, null));
    }

    @Test
    void wholeFloatsAreAccepted() {
        assertThat(usage("""
                {"usage":{"prompt_tokens":13.0,"completion_tokens":1.7e1,"total_tokens":30.00,
                          "prompt_tokens_details":{"cached_tokens":0.0}}}"""))
                .isEqualTo(new Usage(13L, 17L, 30L, 0L, null));
    }

    @Test
    void wholeBigDecimalsAreAccepted() {
        ObjectMapper decimals = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        try {
            JsonNode body = decimals.readTree("{\"usage\":{\"prompt_tokens\":13.000,\"completion_tokens\":17.5}}");
            assertThat(Usage.from(body)).isEqualTo(new Usage(13L, null, null, null, null));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"13\"", "-1", "13.5", "true", "false", "1000000000001", "1e13", "99999999999999999999999",
            "-0.5", "{}", "[13]", "null", "1.0000000000001"})
    void junkCountsAreUnknown(String junk) {
        Usage u = usage("{\"usage\":{\"prompt_tokens\":" + junk + ",\"completion_tokens\":17}}");
        assertThat(u).isEqualTo(new Usage(null, 17L, null, null, null));
    }

    @Test
    void theLargestPlausibleCountIsAccepted() {
        assertThat(usage("{\"usage\":{\"prompt_tokens\":1000000000000,\"completion_tokens\":0}}"))
                .isEqualTo(new Usage(1_000_000_000_000L, 0L, 1_000_000_000_000L, null, null));
    }

    @Test
    void numericNodesOfEveryKind() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertThat(Usage.count(f.numberNode(5))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode(5L))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode((short) 5))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode(5.0f))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode(BigInteger.valueOf(5)))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode(new BigDecimal("5.00")))).isEqualTo(5L);
        assertThat(Usage.count(f.numberNode(new BigDecimal("5E+2")))).isEqualTo(500L);
        assertThat(Usage.count(f.numberNode(Double.NaN))).isNull();
        assertThat(Usage.count(f.numberNode(Double.POSITIVE_INFINITY))).isNull();
        assertThat(Usage.count(f.numberNode(new BigDecimal("-5")))).isNull();
        assertThat(Usage.count(f.numberNode(new BigDecimal("5.1")))).isNull();
        assertThat(Usage.count(f.numberNode(BigInteger.TEN.pow(30)))).isNull();
        assertThat(Usage.count(f.numberNode(BigInteger.TEN.pow(30).negate()))).isNull();
        assertThat(Usage.count(f.textNode("5"))).isNull();
        assertThat(Usage.count(f.booleanNode(true))).isNull();
        assertThat(Usage.count(null)).isNull();
    }

    @Test
    void allJunkIsNone() {
        Usage u = usage("{\"usage\":{\"prompt_tokens\":\"a\",\"completion_tokens\":-3,\"total_tokens\":true}}");
        assertThat(u).isSameAs(Usage.NONE);
        assertThat(u.isKnown()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"usage\":{\"prompt_tokens\":1}}]", "\"text\"", "13", "null", "true", "{}",
            "{\"usage\":null}", "{\"usage\":[1,2]}", "{\"usage\":\"13\"}", "{\"usage\":{}}",
            "{\"usageMetadata\":7}", "{\"usageMetadata\":{}}", "{\"choices\":[]}"})
    void bodiesWithoutUsageAreNone(String body) {
        assertThat(usage(body)).isSameAs(Usage.NONE);
    }

    @Test
    void nullAndMissingNodesAreNone() {
        assertThat(Usage.from(null)).isSameAs(Usage.NONE);
        assertThat(Usage.from(MissingNode.getInstance())).isSameAs(Usage.NONE);
        assertThat(Usage.from(NullNode.getInstance())).isSameAs(Usage.NONE);
    }

    @Test
    void nonObjectDetailsAreIgnored() {
        assertThat(usage("""
                {"usage":{"prompt_tokens":13,"completion_tokens":17,"prompt_tokens_details":[5]}}"""))
                .isEqualTo(new Usage(13L, 17L, 30L, null, null));
    }

    @Test
    void isKnownWhenAnyCountIsPresent() {
        assertThat(Usage.NONE.isKnown()).isFalse();
        assertThat(new Usage(null, null, null, null, 0L).isKnown()).isTrue();
        assertThat(new Usage(null, null, 3L, null, null).isKnown()).isTrue();
    }

    @Test
    void deeplyNestedOrOddObjectsNeverThrow() {
        ObjectNode body = TestJson.object();
        body.putObject("usage").putObject("prompt_tokens").putObject("x");
        assertThat(Usage.from(body)).isSameAs(Usage.NONE);
    }
}
