package io.heliograph.bench;

import io.heliograph.delivery.LogSubject;
import io.heliograph.filter.Filter;
import io.heliograph.ingest.Outcome;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching one log against a compiled webhook filter (SPEC §8: "well under a microsecond per
 * condition"): one condition of each kind, then a ten-condition alerting filter. Run with
 * {@code -prof gc} to see that matching allocates nothing outside {@code $regex}:
 * {@code bench/jmh.sh FilterBenchmark -prof gc} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterBenchmark {
    private static final Map<String, String> ONE_CONDITION = Map.ofEntries(
            Map.entry("eqModelIgnoringCase", "{\"model\":\"GPT-4O-MINI\"}"),
            Map.entry("eqUserExact", "{\"user_id\":\"user_123\"}"),
            Map.entry("neOutcome", "{\"outcome\":{\"$ne\":\"completed\"}}"),
            Map.entry("inModel10", "{\"model\":{\"$in\":[\"gpt-4\",\"gpt-4-turbo\",\"gpt-4o\",\"o1\",\"o1-mini\",\"o3\",\"o3-mini\","
                    + "\"claude-3-5-sonnet\",\"claude-3-opus\",\"gpt-4o-mini\"]}}"),
            Map.entry("ninUser", "{\"user_id\":{\"$nin\":[\"test\",\"ci\",\"load\"]}}"),
            Map.entry("prefixModel", "{\"model\":{\"$prefix\":\"GPT-4\"}}"),
            Map.entry("suffixModel", "{\"model\":{\"$suffix\":\"-mini\"}}"),
            Map.entry("containsModel", "{\"model\":{\"$contains\":\"4O-M\"}}"),
            Map.entry("regexModel", "{\"model\":{\"$regex\":\"^gpt-4o?(-mini)?$\"}}"),
            Map.entry("existsCost", "{\"cost\":{\"$exists\":true}}"),
            Map.entry("eqStatus", "{\"status\":200}"),
            Map.entry("gteStatus", "{\"status\":{\"$gte\":400}}"),
            Map.entry("inStatus", "{\"status\":{\"$in\":[500,502,503,504]}}"),
            Map.entry("gtCost", "{\"cost\":{\"$gt\":0.05}}"),
            Map.entry("ltLatency", "{\"latency_ms\":{\"$lt\":10000}}"),
            Map.entry("missingTtft", "{\"time_to_first_token_ms\":{\"$gt\":2000}}"),
            Map.entry("eqProperty", "{\"properties.Environment\":\"prod\"}"),
            Map.entry("missingProperty", "{\"properties.tenant\":{\"$ne\":\"acme\"}}"));

    /** Ten conditions, as an alert would be written; against the log below every one is evaluated. */
    private static final String TEN_CONDITIONS = """
            {"$or":[{"status":{"$gte":400}},{"outcome":{"$ne":"completed"}},
                    {"model":{"$prefix":"gpt-4","$nin":["gpt-4o-mini-2024-07-18"]},"provider":"openai",
                     "cost":{"$gt":0.0001,"$lt":1},"properties.environment":{"$in":["staging","prod"]},
                     "user_id":{"$exists":true},"$not":{"properties.team":{"$contains":"test"}}}]}""";

    /** One condition of the kind named, for {@link #oneCondition} only. */
    @State(Scope.Benchmark)
    public static class One {
        @Param({"eqModelIgnoringCase", "eqUserExact", "neOutcome", "inModel10", "ninUser", "prefixModel", "suffixModel",
                "containsModel", "regexModel", "existsCost", "eqStatus", "gteStatus", "inStatus", "gtCost", "ltLatency",
                "missingTtft", "eqProperty", "missingProperty"})
        public String condition;

        Filter filter;

        @Setup
        public void setUp() {
            filter = compile(ONE_CONDITION.get(condition));
        }
    }

    private Filter ten;
    private LogSubject log;

    @Setup
    public void setUp() {
        ten = compile(TEN_CONDITIONS);
        if (ten.conditions() != 10 || !ten.matches(log())) {
            throw new IllegalStateException("the ten-condition filter must hold 10 conditions and match the log");
        }
        log = log();
    }

    private static Filter compile(String json) {
        return Filter.compile(Json.parse(json.getBytes(StandardCharsets.UTF_8), "bad benchmark filter"), "/config/filter");
    }

    private static LogSubject log() {
        return new LogSubject(new RequestLog("org", "0b7c5a8e-8f8e-4c45-9d0e-3f3f1b1c2d3e", "OPENAI", "gpt-4o-mini", "user_123",
                200, 1_736_937_000_000L, 1_736_937_000_930L, null, Map.of("environment", "prod", "team", "search"), null,
                "{}", "{}", null, false, new Usage(130L, 17L, 147L, null, null), 0.0004945, Outcome.COMPLETED));
    }

    @Benchmark
    public boolean oneCondition(One one) {
        return one.filter.matches(log);
    }

    @Benchmark
    public boolean tenConditions() {
        return ten.matches(log);
    }
}
