package io.heliograph.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.api.ApiException;
import io.heliograph.json.Json;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** Laws that hold for every filter and request, not only the ones the tables thought of. */
class FilterPropertiesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> STRING_FIELDS = List.of("model", "provider", "user_id", "outcome", "properties.env", "properties.Team");
    private static final List<String> NUMBER_FIELDS = List.of("status", "prompt_tokens", "completion_tokens", "total_tokens",
            "latency_ms", "time_to_first_token_ms", "cost");
    private static final List<String> WORDS = List.of("gpt-4o", "GPT-4O", "gpt-4o-mini", "claude", "OPENAI", "openai", "prod", "", "4o", "a/b~c");
    private static final List<Double> NUMBERS = List.of(0.0, 1.0, 13.0, 200.0, 200.5, 404.0, 930.0, 0.0002025, -1.0);
    private static final List<String> REASONS = List.of("must be an object", "must be a non-empty array", "unknown field",
            "unknown operator", "operand must be a number", "operand must be a string", "operand must be a boolean",
            "operand must be an array of 1 to 100 values", "operator not allowed on this field", "invalid regular expression",
            "nested too deeply", "too many conditions", "too large");
    private static final List<String> REGEXES = List.of("(", "(a+)+$", "^gpt", "[", "(?i)x", "a{2000}", "(a)\\1", "x".repeat(257));
    private static final Pattern MESSAGE = Pattern.compile("Invalid filter at (/filter(?:/[^/]*)*): (.+)");

    @Property(tries = 500)
    void aFilterAndItsNegationNeverAgree(@ForAll("filters") JsonNode filter, @ForAll("subjects") Subject subject) {
        ObjectNode negated = NODES.objectNode().set("$not", filter);
        assertThat(compile(negated).matches(subject)).isNotEqualTo(compile(filter).matches(subject));
    }

    @Property(tries = 500)
    void aListOfOneIsThatOneValue(@ForAll("conditions") Tuple.Tuple2<String, JsonNode> fieldValue, @ForAll("subjects") Subject subject) {
        String field = fieldValue.get1();
        JsonNode value = fieldValue.get2();
        assertThat(compile(condition(field, "$in", NODES.arrayNode().add(value))).matches(subject))
                .isEqualTo(compile(condition(field, "$eq", value)).matches(subject));
        assertThat(compile(condition(field, "$nin", NODES.arrayNode().add(value))).matches(subject))
                .isEqualTo(compile(condition(field, "$ne", value)).matches(subject));
        assertThat(compile(NODES.objectNode().set(field, value)).matches(subject))
                .as("a bare value is $eq").isEqualTo(compile(condition(field, "$eq", value)).matches(subject));
    }

    @Property(tries = 2000)
    void anyJsonIsEitherRefusedWithAMessageOfTheSpecOrAcceptedWithinTheLimits(@ForAll("anyJson") JsonNode given,
            @ForAll("subjects") Subject subject) {
        Statistics.coverage(coverage -> {
            for (String outcome : List.of("accepted", "too large", "nested too deeply", "too many conditions", "unknown field",
                    "unknown operator", "invalid regular expression", "operator not allowed on this field")) {
                coverage.check(outcome).count(c -> c > 0);
            }
        });
        Filter filter;
        try {
            filter = Filter.compile(given, "/filter");
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            Matcher m = MESSAGE.matcher(e.getMessage());
            assertThat(m.matches()).as(e.getMessage()).isTrue();
            assertThat(REASONS).contains(m.group(2));
            String pointer = m.group(1).substring("/filter".length());
            assertThat(given.at(pointer).isMissingNode()).as("%s points into %s", pointer, given).isFalse();
            Statistics.collect(m.group(2));
            return;
        }
        assertThat(Json.write(given).length).isLessThanOrEqualTo(8 * 1024);
        assertThat(depth(given)).isLessThanOrEqualTo(6);
        assertThat(conditionCount(given)).isLessThanOrEqualTo(64).isEqualTo(filter.conditions());
        filter.matches(subject);
        Statistics.collect("accepted");
    }

    // --- an independent reading of the limits, for accepted filters only ---

    /** The deepest level a combinator sits at, the top level being 1; 0 when there is none. */
    private static int depth(JsonNode expression) {
        int deepest = 0;
        for (Map.Entry<String, JsonNode> member : expression.properties()) {
            switch (member.getKey()) {
                case "$not" -> deepest = Math.max(deepest, 1 + depth(member.getValue()));
                case "$and", "$or" -> {
                    for (JsonNode part : member.getValue()) {
                        deepest = Math.max(deepest, 1 + depth(part));
                    }
                }
                default -> { }
            }
        }
        return deepest;
    }

    private static int conditionCount(JsonNode expression) {
        int count = 0;
        for (Map.Entry<String, JsonNode> member : expression.properties()) {
            JsonNode value = member.getValue();
            switch (member.getKey()) {
                case "$not" -> count += conditionCount(value);
                case "$and", "$or" -> {
                    for (JsonNode part : value) {
                        count += conditionCount(part);
                    }
                }
                default -> count += value.isObject() && !value.isEmpty() ? value.size() : 1;
            }
        }
        return count;
    }

    // --- generators ---

    private static Filter compile(JsonNode node) {
        return Filter.compile(node, "/filter");
    }

    private static ObjectNode condition(String field, String op, JsonNode operand) {
        ObjectNode ops = NODES.objectNode().set(op, operand);
        return NODES.objectNode().set(field, ops);
    }

    @Provide
    Arbitrary<Subject> subjects() {
        Arbitrary<String> word = Arbitraries.of(WORDS).injectNull(0.25);
        Arbitrary<Double> number = Arbitraries.of(NUMBERS).injectNull(0.25);
        return Combinators.combine(word.list().ofSize(STRING_FIELDS.size()), number.list().ofSize(NUMBER_FIELDS.size()))
                .as((words, numbers) -> {
                    Subject s = Subject.empty();
                    for (int i = 0; i < STRING_FIELDS.size(); i++) {
                        s.with(STRING_FIELDS.get(i), words.get(i));
                    }
                    for (int i = 0; i < NUMBER_FIELDS.size(); i++) {
                        s.with(NUMBER_FIELDS.get(i), numbers.get(i));
                    }
                    return s;
                });
    }

    /** A field and a value of its type. */
    @Provide
    Arbitrary<Tuple.Tuple2<String, JsonNode>> conditions() {
        Arbitrary<Tuple.Tuple2<String, JsonNode>> strings = Combinators.combine(Arbitraries.of(STRING_FIELDS), Arbitraries.of(WORDS))
                .as((f, w) -> Tuple.of(f, NODES.textNode(w)));
        Arbitrary<Tuple.Tuple2<String, JsonNode>> numbers = Combinators.combine(Arbitraries.of(NUMBER_FIELDS), Arbitraries.of(NUMBERS))
                .as((f, n) -> Tuple.of(f, NODES.numberNode(n)));
        return Arbitraries.oneOf(strings, numbers);
    }

    /** Valid filters: every operator on fields of its kind, combined up to the depth limit. */
    @Provide
    Arbitrary<JsonNode> filters() {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(stringCondition(), numberCondition(), existsCondition());
        return Arbitraries.recursive(() -> leaf, this::combined, 0, 4);
    }

    private Arbitrary<JsonNode> combined(Arbitrary<JsonNode> inner) {
        Arbitrary<JsonNode> not = inner.map(e -> NODES.objectNode().set("$not", e));
        Arbitrary<JsonNode> andOr = Combinators.combine(Arbitraries.of("$and", "$or"), inner.list().ofMinSize(1).ofMaxSize(3))
                .as((op, parts) -> NODES.objectNode().set(op, NODES.arrayNode().addAll(parts)));
        Arbitrary<JsonNode> implicitAnd = inner.list().ofMinSize(2).ofMaxSize(3).map(parts -> {
            ObjectNode all = NODES.objectNode();
            parts.forEach(p -> p.properties().forEach(m -> all.set(m.getKey(), m.getValue())));
            return all;
        });
        return Arbitraries.oneOf(not, andOr, implicitAnd);
    }

    private Arbitrary<JsonNode> stringCondition() {
        Arbitrary<String> op = Arbitraries.of("$eq", "$ne", "$prefix", "$suffix", "$contains", "$regex", "$in", "$nin", "bare");
        return Combinators.combine(Arbitraries.of(STRING_FIELDS), op, Arbitraries.of(WORDS), Arbitraries.of(WORDS))
                .as((field, o, a, b) -> switch (o) {
                    case "bare" -> NODES.objectNode().put(field, a);
                    case "$in", "$nin" -> condition(field, o, NODES.arrayNode().add(a).add(b));
                    case "$regex" -> condition(field, o, NODES.textNode(java.util.regex.Pattern.quote(a).replace("\\Q\\E", "")));
                    default -> condition(field, o, NODES.textNode(a));
                });
    }

    private Arbitrary<JsonNode> numberCondition() {
        Arbitrary<String> op = Arbitraries.of("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "bare");
        return Combinators.combine(Arbitraries.of(NUMBER_FIELDS), op, Arbitraries.of(NUMBERS), Arbitraries.of(NUMBERS))
                .as((field, o, a, b) -> switch (o) {
                    case "bare" -> NODES.objectNode().put(field, a);
                    case "$in", "$nin" -> condition(field, o, NODES.arrayNode().add(a).add(b));
                    default -> condition(field, o, NODES.numberNode(a));
                });
    }

    private Arbitrary<JsonNode> existsCondition() {
        return Combinators.combine(Arbitraries.of(concat(STRING_FIELDS, NUMBER_FIELDS)), Arbitraries.of(true, false))
                .as((field, exists) -> condition(field, "$exists", NODES.booleanNode(exists)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /**
     * Any JSON, leaning towards what a filter is made of — its keys, operators and operands of every
     * type — with three kinds kept apart so that each limit is reached without the trees growing
     * beyond a few thousand nodes: chains of combinators (depth), long lists (conditions) and long
     * strings (size).
     */
    @Provide
    Arbitrary<JsonNode> anyJson() {
        Arbitrary<JsonNode> small = json(5);
        Arbitrary<JsonNode> deep = Combinators.combine(Arbitraries.of("$and", "$or", "$not").list().ofMinSize(4).ofMaxSize(8), json(2))
                .as((ops, inner) -> {
                    JsonNode node = inner;
                    for (String op : ops) {
                        node = NODES.objectNode().set(op, op.equals("$not") ? node : NODES.arrayNode().add(node));
                    }
                    return node;
                });
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(stringCondition(), numberCondition(), existsCondition());
        Arbitrary<JsonNode> wide = Combinators.combine(Arbitraries.of("$and", "$or"), leaf.list().ofMinSize(50).ofMaxSize(80),
                Arbitraries.integers().between(0, 99), small).as((op, parts, at, odd) -> {
                    ArrayNode all = NODES.arrayNode().addAll(parts);
                    if (at < all.size()) {
                        all.insert(at, odd);
                    }
                    return (JsonNode) NODES.objectNode().set(op, all);
                });
        Arbitrary<JsonNode> nearlyRight = Combinators.combine(Arbitraries.of(concat(STRING_FIELDS, NUMBER_FIELDS)),
                Arbitraries.of("$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$prefix", "$suffix", "$contains", "$regex",
                        "$exists"), Arbitraries.oneOf(json(1), Arbitraries.of(REGEXES).map(r -> (JsonNode) NODES.textNode(r))))
                .as((field, op, operand) -> (JsonNode) condition(field, op, operand));
        Arbitrary<JsonNode> regex = Combinators.combine(Arbitraries.of(STRING_FIELDS), Arbitraries.of(REGEXES))
                .as((field, r) -> (JsonNode) condition(field, "$regex", NODES.textNode(r)));
        Arbitrary<JsonNode> large = Combinators.combine(small, Arbitraries.of(STRING_FIELDS),
                Arbitraries.of("a", "é", "\"", "\uD83D\uDE00"), Arbitraries.integers().between(1000, 8000))
                .as((node, field, unit, times) -> {
                    ObjectNode o = node.isObject() ? (ObjectNode) node.deepCopy() : NODES.objectNode();
                    return (JsonNode) o.put(field, unit.repeat(times));
                });
        return Arbitraries.frequencyOf(Tuple.of(5, small), Tuple.of(2, nearlyRight), Tuple.of(1, regex), Tuple.of(2, deep), Tuple.of(1, wide), Tuple.of(2, large));
    }

    /** JSON nested at most {@code depth} containers deep, each of at most three members. */
    private static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("$and", "$or", "$not")),
                Tuple.of(4, Arbitraries.of("model", "provider", "user_id", "outcome", "status", "prompt_tokens",
                        "completion_tokens", "total_tokens", "latency_ms", "time_to_first_token_ms", "cost", "properties.env",
                        "properties.a/b~c")),
                Tuple.of(4, Arbitraries.of("$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$prefix", "$suffix",
                        "$contains", "$regex", "$exists")),
                Tuple.of(1, Arbitraries.of("$nor", "$", "properties.", "Model", "x~y/z", "")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(6)));
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.of(WORDS).map(w -> (JsonNode) NODES.textNode(w)),
                Arbitraries.of(REGEXES).map(r -> (JsonNode) NODES.textNode(r)),
                Arbitraries.strings().ofMaxLength(20).map(s -> (JsonNode) NODES.textNode(s)),
                Arbitraries.of(NUMBERS).map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.integers().map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                Arbitraries.just(NODES.nullNode()));
        return Arbitraries.recursive(() -> scalar, inner -> Arbitraries.frequencyOf(
                Tuple.of(1, inner),
                Tuple.of(3, Combinators.combine(key.list().ofMaxSize(3), inner.list().ofSize(3)).as((keys, values) -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), values.get(i));
                    }
                    return (JsonNode) o;
                })),
                Tuple.of(2, inner.list().ofMaxSize(3).map(values -> (JsonNode) NODES.arrayNode().addAll(values)))), 0, depth);
    }
}
