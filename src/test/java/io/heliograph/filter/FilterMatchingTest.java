package io.heliograph.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every operator on every kind of field, against a typical request and against one that lacks
 * everything: a missing field fails every operator except {@code $ne}, {@code $nin} and
 * {@code $exists: false}.
 */
class FilterMatchingTest {

    static Filter filter(String json) {
        return Filter.compile(Json.parse(json.getBytes(StandardCharsets.UTF_8), "not JSON"), "/config/filter");
    }

    @ParameterizedTest(name = "{0} → typical {1}, empty {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # model: a string compared ignoring case, by every string operator
        {"model":"gpt-4o-mini"}                        | true  | false
        {"model":"GPT-4o-MINI"}                        | true  | false
        {"model":{"$eq":"gpt-4o"}}                     | false | false
        {"model":{"$ne":"gpt-4o"}}                     | true  | true
        {"model":{"$ne":"GPT-4O-MINI"}}                | false | true
        {"model":{"$in":["claude","GPT-4O-MINI"]}}     | true  | false
        {"model":{"$in":["claude","gpt-4o"]}}          | false | false
        {"model":{"$nin":["claude","gpt-4o"]}}         | true  | true
        {"model":{"$nin":["Gpt-4o-Mini"]}}             | false | true
        {"model":{"$prefix":"GPT-4"}}                  | true  | false
        {"model":{"$prefix":"gpt-4o-mini-2024"}}       | false | false
        {"model":{"$prefix":""}}                       | true  | false
        {"model":{"$suffix":"-MINI"}}                  | true  | false
        {"model":{"$suffix":"4o"}}                     | false | false
        {"model":{"$suffix":"xgpt-4o-mini"}}           | false | false
        {"model":{"$contains":"4O-m"}}                 | true  | false
        {"model":{"$contains":"claude"}}               | false | false
        {"model":{"$regex":"^GPT-4o"}}                 | true  | false
        {"model":{"$regex":"4o-m"}}                    | true  | false
        {"model":{"$regex":"^4o"}}                     | false | false
        {"model":{"$exists":true}}                     | true  | false
        {"model":{"$exists":false}}                    | false | true
        {"provider":"openai"}                          | true  | false
        {"provider":{"$in":["anthropic","OpenAI"]}}    | true  | false
        {"provider":{"$regex":"^open"}}                | true  | false
        # user_id and outcome: strings compared exactly
        {"user_id":"user_123"}                         | true  | false
        {"user_id":"USER_123"}                         | false | false
        {"user_id":{"$ne":"USER_123"}}                 | true  | true
        {"user_id":{"$in":["USER_123"]}}               | false | false
        {"user_id":{"$in":["x","user_123"]}}           | true  | false
        {"user_id":{"$nin":["USER_123"]}}              | true  | true
        {"user_id":{"$prefix":"USER"}}                 | false | false
        {"user_id":{"$prefix":"user"}}                 | true  | false
        {"user_id":{"$suffix":"_123"}}                 | true  | false
        {"user_id":{"$suffix":"_12"}}                  | false | false
        {"user_id":{"$contains":"R_1"}}                | false | false
        {"user_id":{"$contains":"r_1"}}                | true  | false
        {"user_id":{"$regex":"^USER"}}                 | false | false
        {"user_id":{"$regex":"(?i)^USER"}}             | true  | false
        {"user_id":{"$exists":true}}                   | true  | false
        {"user_id":{"$exists":false}}                  | false | true
        {"outcome":"completed"}                        | true  | false
        {"outcome":{"$ne":"completed"}}                | false | true
        {"outcome":{"$in":["cancelled","upstream_failed"]}} | false | false
        # properties: the key ignores case, the value does not; only the request's own properties
        {"properties.environment":"prod"}              | true  | false
        {"properties.ENVIRONMENT":"prod"}              | true  | false
        {"properties.environment":"PROD"}              | false | false
        {"properties.team":{"$in":["Search"]}}         | true  | false
        {"properties.team":{"$regex":"^search$"}}      | false | false
        {"properties.team":{"$contains":"ear"}}        | true  | false
        {"properties.user_id":"user_123"}              | false | false
        {"properties.missing":{"$eq":"x"}}             | false | false
        {"properties.missing":{"$ne":"x"}}             | true  | true
        {"properties.missing":{"$nin":["x"]}}          | true  | true
        {"properties.missing":{"$regex":""}}           | false | false
        {"properties.missing":{"$prefix":""}}          | false | false
        {"properties.missing":{"$exists":true}}        | false | false
        {"properties.missing":{"$exists":false}}       | true  | true
        # status: an integer, compared as a number (200.0 and 2e2 are 200)
        {"status":200}                                 | true  | false
        {"status":200.0}                               | true  | false
        {"status":2e2}                                 | true  | false
        {"status":200.5}                               | false | false
        {"status":{"$ne":200}}                         | false | true
        {"status":{"$ne":404}}                         | true  | true
        {"status":{"$in":[404,200]}}                   | true  | false
        {"status":{"$nin":[404,500]}}                  | true  | true
        {"status":{"$nin":[200]}}                      | false | true
        {"status":{"$gt":199}}                         | true  | false
        {"status":{"$gt":200}}                         | false | false
        {"status":{"$gte":200}}                        | true  | false
        {"status":{"$gte":400}}                        | false | false
        {"status":{"$lt":200}}                         | false | false
        {"status":{"$lt":200.5}}                       | true  | false
        {"status":{"$lte":200}}                        | true  | false
        {"status":{"$lte":199.99}}                     | false | false
        {"status":{"$exists":true}}                    | true  | false
        {"status":{"$exists":false}}                   | false | true
        {"status":{"$gte":200,"$lt":300}}              | true  | false
        {"status":{"$gte":300,"$lt":400}}              | false | false
        {"prompt_tokens":13}                           | true  | false
        {"completion_tokens":{"$lte":16}}              | false | false
        {"total_tokens":{"$gt":29}}                    | true  | false
        # numbers
        {"cost":0.0002025}                             | true  | false
        {"cost":{"$gt":0.05}}                          | false | false
        {"cost":{"$lt":0.05}}                          | true  | false
        {"cost":{"$ne":0}}                             | true  | true
        {"cost":{"$in":[0.0002025]}}                   | true  | false
        {"cost":{"$nin":[0.0002025]}}                  | false | true
        {"cost":{"$exists":false}}                     | false | true
        {"latency_ms":{"$gt":10000}}                   | false | false
        {"latency_ms":{"$lte":930}}                    | true  | false
        {"latency_ms":930.0}                           | true  | false
        {"latency_ms":{"$gt":-1e400}}                  | true  | false
        # a number the typical request lacks too
        {"time_to_first_token_ms":{"$lt":1e9}}         | false | false
        {"time_to_first_token_ms":{"$gte":0}}          | false | false
        {"time_to_first_token_ms":0}                   | false | false
        {"time_to_first_token_ms":{"$in":[0]}}         | false | false
        {"time_to_first_token_ms":{"$ne":5}}           | true  | true
        {"time_to_first_token_ms":{"$nin":[1]}}        | true  | true
        {"time_to_first_token_ms":{"$exists":false}}   | true  | true
        # combinations
        {}                                             | true  | true
        {"$and":[{"status":200},{"model":{"$prefix":"gpt"}}]}    | true  | false
        {"$and":[{"status":200},{"model":{"$prefix":"claude"}}]} | false | false
        {"$or":[{"status":{"$gte":400}},{"outcome":{"$ne":"completed"}}]} | false | true
        {"$or":[{"status":{"$gte":400}},{"model":"gpt-4o-mini"}]} | true | false
        {"$not":{"status":200}}                        | false | true
        {"$not":{"status":{"$ne":200}}}                | true  | false
        {"$not":{"$not":{"status":200}}}               | true  | false
        {"status":200,"model":"gpt-4o"}                | false | false
        {"status":200,"model":"gpt-4o-mini"}           | true  | false
        {"$or":[{"status":{"$gte":400}},{"latency_ms":{"$gt":10000}},{"model":{"$prefix":"gpt-4"},"cost":{"$gt":0.05},"properties.environment":"prod"}]} | false | false
        """)
    void matchesAsTheSpecSays(String json, boolean onTypical, boolean onEmpty) {
        Filter filter = filter(json);
        assertThat(filter.matches(Subject.typical())).as("typical request").isEqualTo(onTypical);
        assertThat(filter.matches(Subject.empty())).as("request lacking every field").isEqualTo(onEmpty);
    }

    @Test
    void theSpecsAlertingExampleCatchesErrorsSlowAndExpensiveProductionCalls() {
        Filter alert = filter("""
                { "$or": [ { "status": { "$gte": 400 } },
                           { "latency_ms": { "$gt": 10000 } },
                           { "model": { "$prefix": "gpt-4" }, "cost": { "$gt": 0.05 }, "properties.environment": "prod" } ] }""");
        assertThat(alert.matches(Subject.typical())).isFalse();
        assertThat(alert.matches(Subject.typical().with("status", 429))).isTrue();
        assertThat(alert.matches(Subject.typical().with("latency_ms", 10_001))).isTrue();
        assertThat(alert.matches(Subject.typical().with("cost", 0.06))).isTrue();
        assertThat(alert.matches(Subject.typical().with("cost", 0.06).with("properties.environment", "staging"))).isFalse();
        assertThat(alert.matches(Subject.typical().with("cost", 0.06).with("model", "claude-3-opus"))).isFalse();
    }

    @Test
    void aStreamCutOffMidwayKeepsStatus200SoErrorsAlsoAskForTheOutcome() {
        Filter errors = filter("{\"$or\":[{\"status\":{\"$gte\":400}},{\"outcome\":{\"$ne\":\"completed\"}}]}");
        assertThat(errors.matches(Subject.typical().with("outcome", "upstream_failed"))).isTrue();
        assertThat(errors.matches(Subject.typical().with("status", 500))).isTrue();
        assertThat(errors.matches(Subject.typical())).isFalse();
    }

    @Test
    void caseIsIgnoredOnlyWhereTheSpecSaysAndBeyondAscii() {
        assertThat(filter("{\"model\":{\"$contains\":\"ÉTÉ\"}}").matches(Subject.typical().with("model", "modèle-été-1"))).isTrue();
        assertThat(filter("{\"properties.x\":{\"$contains\":\"ÉTÉ\"}}").matches(Subject.typical().with("properties.x", "été")))
                .isFalse();
        assertThat(filter("{\"model\":{\"$regex\":\"ÉTÉ$\"}}").matches(Subject.typical().with("model", "été"))).isTrue();
    }
}
