package io.heliograph.filter;

import static io.heliograph.filter.FilterMatchingTest.filter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.json.Json;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the filter keeps of its source, how its regular expressions run, and that matching allocates nothing. */
class FilterTest {

    @Test
    void showsTheFilterAsGivenAndCannotBeChangedThroughIt() {
        String given = "{\"status\":{\"$gte\":400.0},\"properties.Environment\":\"prod\",\"model\":{\"$in\":[\"GPT-4\"]}}";
        JsonNode source = Json.parse(given.getBytes(StandardCharsets.UTF_8), "x");
        Filter filter = Filter.compile(source, "/config/filter");
        assertThat(filter.toString()).isEqualTo(given);
        assertThat(filter.toJson()).isEqualTo(source);

        ((ObjectNode) source).put("status", 200);
        ((ObjectNode) filter.toJson()).removeAll();
        assertThat(filter.toString()).isEqualTo(given);
        assertThat(filter.matches(Subject.typical().with("status", 500).with("model", "gpt-4"))).isTrue();
    }

    @Test
    void filtersGivenAsTheSameJsonAreEqual() {
        assertThat(filter("{\"status\":200}")).isEqualTo(filter("{ \"status\" : 200 }"))
                .hasSameHashCodeAs(filter("{\"status\":200}"))
                .isNotEqualTo(filter("{\"status\":201}"));
    }

    @Test
    void aRegexIsUnanchoredAndRunsInLinearTimeWhateverThePattern() {
        String as = "a".repeat(100_000);
        Subject subject = Subject.typical().with("properties.text", as);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(filter("{\"properties.text\":{\"$regex\":\"(a+)+$\"}}").matches(subject)).isTrue();
            assertThat(filter("{\"properties.text\":{\"$regex\":\"(a+)+b\"}}").matches(subject)).isFalse();
            assertThat(filter("{\"properties.text\":{\"$regex\":\"(a|aa)*c\"}}").matches(subject)).isFalse();
            assertThat(filter("{\"properties.text\":{\"$regex\":\"^(a*)*$\"}}").matches(subject)).isTrue();
        });
    }

    @Test
    void aRegexOnModelOrProviderIgnoresCase() {
        assertThat(filter("{\"model\":{\"$regex\":\"^claude-3-(opus|sonnet)\"}}").matches(Subject.typical().with("model", "Claude-3-Opus")))
                .isTrue();
        assertThat(filter("{\"user_id\":{\"$regex\":\"^claude\"}}").matches(Subject.typical().with("user_id", "Claude"))).isFalse();
    }

    /** The hot path: once compiled, a match reads and compares. Holds once the JIT has run and before. */
    @Test
    void matchingAllocatesNothingOutsideRegex() {
        Filter filter = filter("""
                {"$or":[{"status":{"$gte":400}},{"outcome":{"$ne":"completed"}},
                        {"model":{"$prefix":"GPT-4","$nin":["gpt-4o-mini-x","gpt-4-32k"]},"provider":"openai",
                         "cost":{"$gt":0.0001,"$lt":1},"properties.Environment":{"$in":["staging","prod"]},
                         "$not":{"user_id":{"$contains":"test"}},"latency_ms":{"$exists":true},
                         "time_to_first_token_ms":{"$exists":false}}]}""");
        assertThat(filter.conditions()).isEqualTo(11);
        Subject subject = Subject.typical();
        assertThat(filter.matches(subject)).isTrue();

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int matched = 0;
        for (int round = 0; round < 5; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 20_000; i++) {
                matched += filter.matches(subject) ? 1 : 0;
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertThat(allocated).as("bytes allocated by 20,000 matches, round " + round).isLessThan(1_000);
        }
        assertThat(matched).isEqualTo(100_000);
    }
}
