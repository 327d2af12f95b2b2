package io.heliograph.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.heliograph.api.ApiException;
import io.heliograph.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every message of SPEC §8, with its pointer, and which one wins when several apply. */
class FilterValidationTest {

    static JsonNode json(String text) {
        return Json.parse(text.getBytes(StandardCharsets.UTF_8), "not JSON");
    }

    /** The message {@code Filter.compile} refuses {@code filter} with (a 400), found at {@code pointer}. */
    static String refusal(String filter, String pointer) {
        return refusal(json(filter), pointer);
    }

    static String refusal(JsonNode filter, String pointer) {
        try {
            Filter.compile(filter, pointer);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + filter);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # shapes
        []                                              | /config/filter: must be an object
        "status"                                        | /config/filter: must be an object
        {"$and":[]}                                     | /config/filter/$and: must be a non-empty array
        {"$or":{"status":200}}                          | /config/filter/$or: must be a non-empty array
        {"$or":[{"status":200},5]}                      | /config/filter/$or/1: must be an object
        {"$not":[{"status":200}]}                       | /config/filter/$not: must be an object
        {"$not":null}                                   | /config/filter/$not: must be an object
        # names
        {"foo":1}                                       | /config/filter/foo: unknown field
        {"Model":"gpt-4"}                               | /config/filter/Model: unknown field
        {"properties":"x"}                              | /config/filter/properties: unknown field
        {"properties.":"x"}                             | /config/filter/properties.: unknown field
        {"metadata.cost":1}                             | /config/filter/metadata.cost: unknown field
        {"$nor":[{"status":200}]}                       | /config/filter/$nor: unknown operator
        {"status":{"$equals":200}}                      | /config/filter/status/$equals: unknown operator
        {"status":{"$eq":200,"eq":1}}                   | /config/filter/status/eq: unknown operator
        {"status":{"$and":[{"$eq":200}]}}               | /config/filter/status/$and: unknown operator
        # operands
        {"status":"200"}                                | /config/filter/status: operand must be a number
        {"status":{"$gte":"400"}}                       | /config/filter/status/$gte: operand must be a number
        {"cost":null}                                   | /config/filter/cost: operand must be a number
        {"cost":{}}                                     | /config/filter/cost: operand must be a number
        {"latency_ms":{"$ne":true}}                     | /config/filter/latency_ms/$ne: operand must be a number
        {"model":5}                                     | /config/filter/model: operand must be a string
        {"model":{}}                                    | /config/filter/model: operand must be a string
        {"user_id":["a"]}                               | /config/filter/user_id: operand must be a string
        {"model":{"$prefix":true}}                      | /config/filter/model/$prefix: operand must be a string
        {"model":{"$regex":1}}                          | /config/filter/model/$regex: operand must be a string
        {"model":{"$exists":"yes"}}                     | /config/filter/model/$exists: operand must be a boolean
        {"cost":{"$exists":1}}                          | /config/filter/cost/$exists: operand must be a boolean
        {"model":{"$in":"gpt-4"}}                       | /config/filter/model/$in: operand must be an array of 1 to 100 values
        {"model":{"$nin":[]}}                           | /config/filter/model/$nin: operand must be an array of 1 to 100 values
        {"status":{"$in":{"0":200}}}                    | /config/filter/status/$in: operand must be an array of 1 to 100 values
        {"model":{"$in":["a","b",3]}}                   | /config/filter/model/$in/2: operand must be a string
        {"status":{"$nin":[200,"404"]}}                 | /config/filter/status/$nin/1: operand must be a number
        {"status":{"$in":[[200]]}}                      | /config/filter/status/$in/0: operand must be a number
        {"model":{"$gt":"a"}}                           | /config/filter/model/$gt: operator not allowed on this field
        {"properties.tier":{"$lte":3}}                  | /config/filter/properties.tier/$lte: operator not allowed on this field
        {"status":{"$prefix":"2"}}                      | /config/filter/status/$prefix: operator not allowed on this field
        {"cost":{"$regex":"0\\\\.0"}}                   | /config/filter/cost/$regex: operator not allowed on this field
        {"model":{"$regex":"("}}                        | /config/filter/model/$regex: invalid regular expression
        {"model":{"$regex":"(a)\\\\1"}}                 | /config/filter/model/$regex: invalid regular expression
        {"model":{"$regex":"(?<=a)b"}}                  | /config/filter/model/$regex: invalid regular expression
        {"model":{"$regex":"a{1001}"}}                  | /config/filter/model/$regex: invalid regular expression
        # nested, and escaped (RFC 6901: ~ is ~0, / is ~1)
        {"$or":[{"status":200},{"$not":{"cost":{"$gt":"x"}}}]}            | /config/filter/$or/1/$not/cost/$gt: operand must be a number
        {"$and":[{"$or":[{"model":"a"},{"status":{"$in":[1,2,"3"]}}]}]}   | /config/filter/$and/0/$or/1/status/$in/2: operand must be a number
        {"properties.a/b~c":{"$in":["x",1]}}                              | /config/filter/properties.a~1b~0c/$in/1: operand must be a string
        {"a~/b":1}                                                        | /config/filter/a~0~1b: unknown field
        {"model":{"$in~":["x"]}}                                          | /config/filter/model/$in~0: unknown operator
        # precedence: depth first, in document order, the first fault wins
        {"foo":1,"$or":[]}                                                | /config/filter/foo: unknown field
        {"$or":[],"foo":1}                                                | /config/filter/$or: must be a non-empty array
        {"$or":[{"$not":{"bad":1}}],"alsobad":2}                          | /config/filter/$or/0/$not/bad: unknown field
        {"$or":[{"x":1},{"model":{"$regex":"("}}]}                        | /config/filter/$or/0/x: unknown field
        {"status":{"$gt":"a","$prefix":1}}                                | /config/filter/status/$gt: operand must be a number
        {"model":{"$gt":5}}                                               | /config/filter/model/$gt: operator not allowed on this field
        {"model":{"$in":[1,2]}}                                           | /config/filter/model/$in/0: operand must be a string
        """)
    void refusesWithTheFirstFaultAndWhereItIs(String filter, String expected) {
        assertThat(refusal(filter, "/config/filter")).isEqualTo("Invalid filter at " + expected);
    }

    @Test
    void pointersStartAtTheBodysRootWhereverTheFilterSits() {
        assertThat(refusal("{\"status\":{\"$eq\":200},\"model\":{\"$gt\":1}}", "/filter"))
                .isEqualTo("Invalid filter at /filter/model/$gt: operator not allowed on this field");
    }

    @Test
    void noFilterIsNotAnObject() {
        assertThat(refusal((JsonNode) null, "/filter")).isEqualTo("Invalid filter at /filter: must be an object");
        assertThat(refusal(NullNode.getInstance(), "/filter")).isEqualTo("Invalid filter at /filter: must be an object");
    }

    @Test
    void aValueListHoldsOneToAHundred() {
        assertThat(Filter.compile(json("{\"status\":{\"$in\":" + numbers(100) + "}}"), "/f").conditions()).isEqualTo(1);
        assertThat(refusal("{\"status\":{\"$nin\":" + numbers(101) + "}}", "/f"))
                .isEqualTo("Invalid filter at /f/status/$nin: operand must be an array of 1 to 100 values");
    }

    private static String numbers(int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append(i);
        }
        return s.append(']').toString();
    }

    // --- depth: levels of $and/$or/$not, the top level being 1 ---

    @Test
    void sixLevelsOfCombinatorsAreAllowedASeventhIsNot() {
        assertThat(Filter.compile(json(nots(6, "{\"status\":200}")), "/config/filter").matches(Subject.typical())).isTrue();
        assertThat(refusal(nots(7, "{\"status\":200}"), "/config/filter"))
                .isEqualTo("Invalid filter at /config/filter" + "/$not".repeat(7) + ": nested too deeply");
    }

    @Test
    void depthCountsEveryKindOfCombinatorAndIsCheckedBeforeItsOperand() {
        String six = "{\"$and\":[{\"$or\":[{\"$not\":{\"$and\":[{\"$or\":[{\"$not\":%s}]}]}}]}]}";
        assertThat(Filter.compile(json(six.formatted("{\"model\":\"x\"}")), "/config/filter").conditions()).isEqualTo(1);
        assertThat(refusal(six.formatted("{\"status\":200,\"$or\":[]}"), "/config/filter")).isEqualTo(
                "Invalid filter at /config/filter/$and/0/$or/0/$not/$and/0/$or/0/$not/$or: nested too deeply");
    }

    @Test
    void aSiblingAtAShallowLevelIsNotTooDeep() {
        String deep = nots(5, "{\"status\":200}");
        assertThat(Filter.compile(json("{\"$or\":[" + deep + "," + deep + "]}"), "/f").matches(Subject.typical())).isFalse();
    }

    private static String nots(int n, String inner) {
        return "{\"$not\":".repeat(n) + inner + "}".repeat(n);
    }

    // --- conditions: each field–operator pair counts one ---

    @Test
    void sixtyFourConditionsAreAllowedTheSixtyFifthIsPointedAt() {
        assertThat(Filter.compile(json(conditions(64)), "/config/filter").conditions()).isEqualTo(64);
        assertThat(refusal(conditions(65), "/config/filter"))
                .isEqualTo("Invalid filter at /config/filter/$or/64/status: too many conditions");
    }

    @Test
    void severalOperatorsOnOneFieldCountOneEach() {
        String filter = conditions(63).replace("]}", ",{\"status\":{\"$gte\":1,\"$lte\":2}}]}");
        assertThat(refusal(filter, "/config/filter")).isEqualTo("Invalid filter at /config/filter/$or/63/status/$lte: too many conditions");
        String not = conditions(64).replace("{\"$or\":[", "{\"$not\":{\"$or\":[").replace("]}", "]}}");
        assertThat(Filter.compile(json(not), "/f").conditions()).as("combinators are not conditions").isEqualTo(64);
    }

    @Test
    void aFaultInTheSixtyFifthConditionItselfIsReportedAsThatFault() {
        String filter = conditions(64).replace("]}", ",{\"status\":\"x\"}]}");
        assertThat(refusal(filter, "/f")).isEqualTo("Invalid filter at /f/$or/64/status: operand must be a number");
    }

    private static String conditions(int n) {
        StringBuilder s = new StringBuilder("{\"$or\":[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("{\"status\":").append(i).append('}');
        }
        return s.append("]}").toString();
    }

    // --- size: 8 KiB as compact UTF-8 JSON ---

    @Test
    void eightKibOfCompactJsonIsAllowedOneByteMoreIsTooLarge() {
        String padding = "{\"model\":\"\"}"; // 12 bytes without the string's content
        assertThat(Filter.compile(json("{ \"model\" : \"" + "a".repeat(8192 - 12) + "\" }"), "/f").conditions()).isEqualTo(1);
        assertThat(refusal("{\"model\":\"" + "a".repeat(8192 - padding.length() + 1) + "\"}", "/config/filter"))
                .isEqualTo("Invalid filter at /config/filter: too large");
    }

    @Test
    void sizeIsCountedInUtf8Bytes() {
        String twoBytesEach = "é".repeat(4100); // 4,100 characters, 8,200 bytes
        assertThat(refusal("{\"model\":\"" + twoBytesEach + "\"}", "/f")).isEqualTo("Invalid filter at /f: too large");
    }

    @Test
    void tooLargeComesBeforeEveryOtherFault() {
        assertThat(refusal("{\"foo\":1,\"model\":{\"$regex\":\"(\"},\"x\":\"" + "a".repeat(9000) + "\"}", "/f"))
                .isEqualTo("Invalid filter at /f: too large");
        assertThat(refusal("[\"" + "a".repeat(9000) + "\"]", "/f")).isEqualTo("Invalid filter at /f: too large");
    }

    // --- $regex: at most 256 characters ---

    @Test
    void aRegexOfMoreThan256CharactersIsInvalid() {
        assertThat(Filter.compile(json("{\"model\":{\"$regex\":\"" + "a".repeat(256) + "\"}}"), "/f").conditions()).isEqualTo(1);
        assertThat(refusal("{\"model\":{\"$regex\":\"" + "a".repeat(257) + "\"}}", "/f"))
                .isEqualTo("Invalid filter at /f/model/$regex: invalid regular expression");
    }

    @Test
    void regexLengthCountsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00".repeat(256);
        assertThat(Filter.compile(json("{\"model\":{\"$regex\":\"" + emoji + "\"}}"), "/f").conditions()).isEqualTo(1);
        assertThat(refusal("{\"model\":{\"$regex\":\"" + emoji + "x\"}}", "/f"))
                .isEqualTo("Invalid filter at /f/model/$regex: invalid regular expression");
    }

    @Test
    void theMessagesAreApiRefusalsWithStatus400() {
        assertThatThrownBy(() -> Filter.compile(json("{\"foo\":1}"), "/config/filter"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
