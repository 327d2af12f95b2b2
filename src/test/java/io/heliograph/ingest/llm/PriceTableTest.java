package io.heliograph.ingest.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.support.TestJson;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriceTableTest {
    private static final PriceTable PRICES = PriceTable.load();
    private static final String HEADER = PriceTable.HEADER + "\n";

    private static PriceTable parse(String csv) {
        return PriceTable.parse(new StringReader(csv));
    }

    // ---- load ------------------------------------------------------------------------------------------

    @Test
    void loadReadsTheBundledTable() {
        assertThat(PRICES.rows()).hasSizeGreaterThanOrEqualTo(31);
        assertThat(PRICES.rows()).allSatisfy(p -> {
            assertThat(p.provider()).isIn("OPENAI", "ANTHROPIC");
            assertThat(p.input()).isNotNegative();
            assertThat(p.output()).isNotNegative();
            if (p.cacheRead() != null) {
                assertThat(p.cacheRead()).isNotNegative().isLessThanOrEqualTo(p.input());
            }
            if (p.cacheWrite() != null) {
                assertThat(p.cacheWrite()).isNotNegative();
            }
        });
        // Every Anthropic row prices both cache reads and writes; OpenAI never charges for writes.
        assertThat(PRICES.rows()).filteredOn(p -> p.provider().equals("ANTHROPIC"))
                .allSatisfy(p -> assertThat(p.cacheRead()).isNotNull())
                .allSatisfy(p -> assertThat(p.cacheWrite()).isNotNull());
        assertThat(PRICES.rows()).filteredOn(p -> p.provider().equals("OPENAI"))
                .allSatisfy(p -> assertThat(p.cacheWrite()).isNull());
    }

    @Test
    void bundledRowsHaveTheListedPrices() {
        assertPrice("gpt-4o", "2.50", "10.00", "1.25", null);
        assertPrice("gpt-4o-mini", "0.15", "0.60", "0.075", null);
        assertPrice("gpt-4", "30", "60", null, null);
        assertPrice("o4-mini", "1.10", "4.40", "0.275", null);
        assertPrice("gpt-5-nano", "0.05", "0.40", "0.005", null);
        assertPrice("text-embedding-3-small", "0.02", "0", null, null);
        assertPrice("claude-3-haiku", "0.25", "1.25", "0.03", "0.30");
        assertPrice("claude-opus-4-1", "15", "75", "1.50", "18.75");
        assertPrice("claude-haiku-4-5", "1", "5", "0.10", "1.25");
    }

    private static void assertPrice(String model, String input, String output, String read, String write) {
        PriceTable.Price p = PRICES.price(model).orElseThrow();
        assertThat(p.model()).isEqualTo(model);
        assertThat(p.input()).isEqualByComparingTo(input);
        assertThat(p.output()).isEqualByComparingTo(output);
        if (read == null) {
            assertThat(p.cacheRead()).isNull();
        } else {
            assertThat(p.cacheRead()).isEqualByComparingTo(read);
        }
        if (write == null) {
            assertThat(p.cacheWrite()).isNull();
        } else {
            assertThat(p.cacheWrite()).isEqualByComparingTo(write);
        }
    }

    // ---- resolve ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            // exact
            "gpt-4o, gpt-4o",
            "gpt-4, gpt-4",
            "o1, o1",
            "claude-opus-4-1, claude-opus-4-1",
            "text-embedding-3-small, text-embedding-3-small",
            // dated and pinned
            "gpt-4o-2024-08-06, gpt-4o",
            "gpt-4o-mini-2024-07-18, gpt-4o-mini",
            "gpt-4-0613, gpt-4",
            "gpt-4-32k-0613, gpt-4-32k",
            "gpt-4-turbo-2024-04-09, gpt-4-turbo",
            "gpt-3.5-turbo-0125, gpt-3.5-turbo",
            "gpt-4.1-2025-04-14, gpt-4.1",
            "gpt-4.1-mini-2025-04-14, gpt-4.1-mini",
            "o1-mini-2024-09-12, o1-mini",
            "o3-mini-2025-01-31, o3-mini",
            "o1-2024-12-17, o1",
            "gpt-5-2025-08-07, gpt-5",
            "gpt-5-mini-2025-08-07, gpt-5-mini",
            "claude-3-5-sonnet-20241022, claude-3-5-sonnet",
            "claude-3-5-sonnet-latest, claude-3-5-sonnet",
            "claude-3-5-haiku-20241022, claude-3-5-haiku",
            "claude-3-haiku-20240307, claude-3-haiku",
            "claude-3-opus-20240229, claude-3-opus",
            "claude-3-7-sonnet-20250219, claude-3-7-sonnet",
            "claude-sonnet-4-20250514, claude-sonnet-4",
            "claude-sonnet-4-0, claude-sonnet-4",
            "claude-opus-4-0, claude-opus-4",
            "claude-opus-4-20250514, claude-opus-4",
            "claude-opus-4-1-20250805, claude-opus-4-1",
            "claude-haiku-4-5-20251001, claude-haiku-4-5",
            // longest match wins over a shorter key that is also a prefix
            "claude-sonnet-4-5-20250929, claude-sonnet-4-5",
            "claude-sonnet-4-5, claude-sonnet-4-5",
            // Vertex and other pinned forms
            "claude-3-5-sonnet@20240620, claude-3-5-sonnet",
            "claude-sonnet-4-5@20250929, claude-sonnet-4-5",
            "gpt-4o:free, gpt-4o",
            // provider prefix and case
            "openai/gpt-4o, gpt-4o",
            "anthropic/claude-3-5-sonnet-20241022, claude-3-5-sonnet",
            "OpenAI/GPT-4o-Mini, gpt-4o-mini",
            "GPT-4O, gpt-4o",
            "Claude-Sonnet-4-5-20250929, claude-sonnet-4-5",
            "'  gpt-4o  ', gpt-4o",
            // the prefix rule accepts any suffix after a separator
            "gpt-4o-x, gpt-4o",
    })
    void resolvesKnownNames(String model, String key) {
        assertThat(PRICES.resolve(model)).contains(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-3", "gpt-4oo", "gpt-5o", "gpt", "o", "o5", "claude", "claude-3", "claude-sonnet",
            "gpt-4o/openai", "openai/", "/", "", "   ", "gemini-2.5-pro", "gpt-4o.1",
            "gpt-4o_2024", "text-embedding-3"})
    void unknownNamesResolveToNothing(String model) {
        assertThat(PRICES.resolve(model)).isEmpty();
    }

    @Test
    void nullResolvesToNothing() {
        assertThat(PRICES.resolve(null)).isEmpty();
    }

    @Test
    void longestMatchDoesNotDependOnFileOrder() {
        PriceTable shortFirst = parse(HEADER + "a,X,1,1,,\na-b,X,2,2,,\n");
        PriceTable longFirst = parse(HEADER + "a-b,X,2,2,,\na,X,1,1,,\n");
        for (PriceTable t : List.of(shortFirst, longFirst)) {
            assertThat(t.resolve("a-b-c")).contains("a-b");
            assertThat(t.resolve("a-bc")).contains("a");
            assertThat(t.resolve("a-c")).contains("a");
        }
    }

    // ---- cost ------------------------------------------------------------------------------------------

    @Test
    void gpt4oCostIsExact() {
        // 13 × $2.50 + 17 × $10.00 = $202.50 per million tokens.
        Double cost = PRICES.cost("gpt-4o", new Usage(13L, 17L, 30L, null, null));
        assertThat(cost).isEqualTo(0.0002025);
        assertThat(cost.doubleValue() == 0.0002025).isTrue();
        assertThat(PRICES.cost("gpt-4o-2024-08-06", new Usage(13L, 17L, null, null, null))).isEqualTo(0.0002025);
    }

    @Test
    void openAiCachedTokensAreChargedAtTheCacheReadPrice() {
        // gpt-4o-mini: 1300 prompt of which 1024 cached, 17 completion.
        // 276 × 0.15 + 1024 × 0.075 + 17 × 0.60 = 41.4 + 76.8 + 10.2 = 128.4 per million.
        Double cost = PRICES.cost("gpt-4o-mini", new Usage(1300L, 17L, 1317L, 1024L, null));
        assertThat(cost).isEqualTo(0.0001284);
    }

    @Test
    void anthropicCacheReadsAndWritesUseTheirOwnPrices() {
        // claude-sonnet-4-5: input 3, output 15, cache read 0.30, cache write 3.75 per million.
        // Anthropic body: input 21, cache_creation 188086, cache_read 1000, output 393.
        // 21 × 3 + 1000 × 0.30 + 188086 × 3.75 + 393 × 15 = 63 + 300 + 705322.5 + 5895 = 711580.5 per million.
        Usage usage = Usage.from(TestJson.parse("""
                {"usage":{"input_tokens":21,"cache_creation_input_tokens":188086,
                          "cache_read_input_tokens":1000,"output_tokens":393}}"""));
        assertThat(PRICES.cost("claude-sonnet-4-5-20250929", usage)).isEqualTo(0.7115805);
    }

    @Test
    void claudeHaikuCostByHand() {
        // claude-3-haiku: 0.25 / 1.25, cache read 0.03, write 0.30.
        // prompt 1000 = 700 plain + 200 read + 100 written; 50 completion.
        // 700 × 0.25 + 200 × 0.03 + 100 × 0.30 + 50 × 1.25 = 175 + 6 + 30 + 62.5 = 273.5 per million.
        assertThat(PRICES.cost("anthropic/claude-3-haiku-20240307", new Usage(1000L, 50L, 1050L, 200L, 100L)))
                .isEqualTo(0.0002735);
    }

    @Test
    void cachedTokensFallBackToTheInputPriceWhenTheRowHasNoCachePrice() {
        // gpt-4: 30 / 60 and no cache prices: 100 prompt (40 read, 10 written) + 10 completion
        // = 100 × 30 + 10 × 60 = 3600 per million.
        assertThat(PRICES.cost("gpt-4", new Usage(100L, 10L, null, 40L, 10L))).isEqualTo(0.0036);
        // gpt-4o has a cache-read price but no cache-write price: writes at the input price.
        // 90 × 2.50 + 10 × 2.50 + 0 completion = 250 per million.
        assertThat(PRICES.cost("gpt-4o", new Usage(100L, 0L, null, null, 10L))).isEqualTo(0.00025);
    }

    @Test
    void embeddingsAreCostedFromThePromptAlone() {
        Usage usage = Usage.from(TestJson.parse("""
                {"object":"list","model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}"""));
        // 8 × 0.02 = 0.16 per million.
        assertThat(PRICES.cost("text-embedding-3-small", usage)).isEqualTo(0.00000016);
    }

    @Test
    void zeroTokensCostZero() {
        assertThat(PRICES.cost("gpt-4o", new Usage(0L, 0L, 0L, null, null))).isEqualTo(0.0);
    }

    @Test
    void largeCountsStayExact() {
        // 1e12 prompt tokens of o1 at $15 per million: $15,000,000.
        assertThat(PRICES.cost("o1", new Usage(1_000_000_000_000L, 0L, null, null, null))).isEqualTo(15_000_000.0);
    }

    @Test
    void unknownModelCostsNullNotZero() {
        Usage usage = new Usage(13L, 17L, 30L, null, null);
        assertThat(PRICES.cost("llama-3-70b", usage)).isNull();
        assertThat(PRICES.cost("", usage)).isNull();
        assertThat(PRICES.cost(null, usage)).isNull();
    }

    @Test
    void missingCountsCostNull() {
        assertThat(PRICES.cost("gpt-4o", new Usage(13L, null, 30L, null, null))).isNull();
        assertThat(PRICES.cost("gpt-4o", new Usage(null, 17L, 30L, null, null))).isNull();
        assertThat(PRICES.cost("gpt-4o", new Usage(null, null, 30L, null, null))).isNull();
        assertThat(PRICES.cost("gpt-4o", Usage.NONE)).isNull();
        assertThat(PRICES.cost("gpt-4o", null)).isNull();
    }

    @Test
    void contradictoryCountsCostNull() {
        assertThat(PRICES.cost("gpt-4o", new Usage(10L, 1L, null, 11L, null))).isNull();
        assertThat(PRICES.cost("claude-3-haiku", new Usage(10L, 1L, null, 6L, 5L))).isNull();
        assertThat(PRICES.cost("gpt-4o", new Usage(-1L, 1L, null, null, null))).isNull();
        assertThat(PRICES.cost("gpt-4o", new Usage(1L, -1L, null, null, null))).isNull();
        assertThat(PRICES.cost("gpt-4o", new Usage(1L, 1L, null, -1L, null))).isNull();
        // All of the prompt cached is consistent.
        assertThat(PRICES.cost("claude-3-haiku", new Usage(10L, 0L, null, 5L, 5L))).isNotNull();
    }

    // ---- parse -----------------------------------------------------------------------------------------

    @Test
    void parseAcceptsCommentsBlankLinesSpacesAndEmptyCachePrices() {
        PriceTable t = parse("""
                \uFEFF# a comment first
                
                model, provider, input_per_million_usd, output_per_million_usd, cache_read_per_million_usd, cache_write_per_million_usd
                  # indented comment
                My-Model , openai , 1.5 , 2 , ,
                other,ANTHROPIC,3,4,0.3,3.75
                """);
        assertThat(t.rows()).extracting(PriceTable.Price::model).containsExactly("my-model", "other");
        PriceTable.Price mine = t.price("my-model").orElseThrow();
        assertThat(mine.provider()).isEqualTo("OPENAI");
        assertThat(mine.input()).isEqualByComparingTo(new BigDecimal("1.5"));
        assertThat(mine.cacheRead()).isNull();
        assertThat(mine.cacheWrite()).isNull();
        assertThat(t.cost("MY-MODEL-2025", new Usage(2L, 1L, null, null, null))).isEqualTo(0.000005);
    }

    @Test
    void parseAcceptsWindowsLineEndings() {
        PriceTable t = parse(PriceTable.HEADER + "\r\nm,X,1,2,,\r\n");
        assertThat(t.resolve("m")).contains("m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "m,X,1,2,,,|line 2: expected 6 columns but found 7",
            "m,X,1,2|line 2: expected 6 columns but found 4",
            "m,X,abc,2,,|line 2: input_per_million_usd of m is not a number: 'abc'",
            "m,X,1,2x,,|line 2: output_per_million_usd of m is not a number: '2x'",
            "m,X,-1,2,,|line 2: input_per_million_usd of m must not be negative: '-1'",
            "m,X,1,2,-0.1,|line 2: cache_read_per_million_usd of m must not be negative",
            "m,X,1,2,,x|line 2: cache_write_per_million_usd of m is not a number",
            "m,X,,2,,|line 2: input_per_million_usd of m is required",
            "m,X,1,,,|line 2: output_per_million_usd of m is required",
            ",X,1,2,,|line 2: model '' must be",
            "openai/gpt-4o,X,1,2,,|line 2: model 'openai/gpt-4o' must be",
            "gpt 4o,X,1,2,,|line 2: model 'gpt 4o' must be",
            "m,,1,2,,|line 2: provider '' of m must be",
            "m,X,NaN,2,,|line 2: input_per_million_usd of m is not a number: 'NaN'",
    })
    void parseRejectsMalformedRows(String row, String message) {
        assertThatThrownBy(() -> parse(HEADER + row + "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parseRejectsDuplicateModels() {
        assertThatThrownBy(() -> parse(HEADER + "m,X,1,2,,\n# note\nM,X,1,2,,\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 4: model 'm' is listed twice");
    }

    @Test
    void parseRejectsAMissingOrWrongHeader() {
        assertThatThrownBy(() -> parse("m,X,1,2,,\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1: expected the header");
        assertThatThrownBy(() -> parse("# only a comment\n\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing the header");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing the header");
    }

    @Test
    void parseRejectsATableWithoutRows() {
        assertThatThrownBy(() -> parse(HEADER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no rows");
    }
}
