package io.heliograph.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import io.heliograph.api.ApiException;
import io.heliograph.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a filter as given and compiles it. The walk is depth-first in document order and stops
 * at the first fault, so the caller is told about the first one a reader would meet; the size is
 * checked before all of it.
 */
final class FilterCompiler {
    static final int MAX_DEPTH = 6;
    static final int MAX_CONDITIONS = 64;
    static final int MAX_BYTES = 8 * 1024;
    static final int MAX_VALUES = 100;
    static final int MAX_REGEX_CHARS = 256;

    static final String MUST_BE_OBJECT = "must be an object";
    static final String MUST_BE_NON_EMPTY_ARRAY = "must be a non-empty array";
    static final String UNKNOWN_FIELD = "unknown field";
    static final String UNKNOWN_OPERATOR = "unknown operator";
    static final String MUST_BE_NUMBER = "operand must be a number";
    static final String MUST_BE_STRING = "operand must be a string";
    static final String MUST_BE_BOOLEAN = "operand must be a boolean";
    static final String MUST_BE_VALUES = "operand must be an array of 1 to 100 values";
    static final String NOT_ALLOWED = "operator not allowed on this field";
    static final String INVALID_REGEX = "invalid regular expression";
    static final String TOO_DEEP = "nested too deeply";
    static final String TOO_MANY = "too many conditions";
    static final String TOO_LARGE = "too large";

    private int conditions;

    private FilterCompiler() {
    }

    /** The compiled filter and how many conditions it holds; throws a 400 naming the first fault. */
    static Filter compile(JsonNode node, String pointer) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw fault(pointer, MUST_BE_OBJECT);
        }
        if (Json.write(node).length > MAX_BYTES) {
            throw fault(pointer, TOO_LARGE);
        }
        FilterCompiler compiler = new FilterCompiler();
        Expression root = compiler.expression(node, pointer, 1);
        return new Filter(node.deepCopy(), root, compiler.conditions);
    }

    /** An object: its keys, each a combinator or a field, all of which must hold. {@code level} counts from 1. */
    private Expression expression(JsonNode node, String pointer, int level) {
        if (!node.isObject()) {
            throw fault(pointer, MUST_BE_OBJECT);
        }
        List<Expression> parts = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String key = member.getKey();
            JsonNode value = member.getValue();
            String at = pointer + "/" + escape(key);
            switch (key) {
                case "$and", "$or" -> {
                    checkDepth(at, level);
                    if (!value.isArray() || value.isEmpty()) {
                        throw fault(at, MUST_BE_NON_EMPTY_ARRAY);
                    }
                    Expression[] each = new Expression[value.size()];
                    for (int i = 0; i < each.length; i++) {
                        each[i] = expression(value.get(i), at + "/" + i, level + 1);
                    }
                    parts.add(key.equals("$and") ? new Expression.All(each) : new Expression.Any(each));
                }
                case "$not" -> {
                    checkDepth(at, level);
                    parts.add(new Expression.None(expression(value, at, level + 1)));
                }
                default -> {
                    if (key.startsWith("$")) {
                        throw fault(at, UNKNOWN_OPERATOR);
                    }
                    Field field = Field.named(key);
                    if (field == null) {
                        throw fault(at, UNKNOWN_FIELD);
                    }
                    conditionsOn(field, value, at, parts);
                }
            }
        }
        return parts.size() == 1 ? parts.get(0) : new Expression.All(parts.toArray(Expression[]::new));
    }

    private static void checkDepth(String at, int level) {
        if (level > MAX_DEPTH) {
            throw fault(at, TOO_DEEP);
        }
    }

    /** {@code {"$op": operand, …}} (all must hold), or any other value: short for {@code $eq}. */
    private void conditionsOn(Field field, JsonNode value, String at, List<Expression> parts) {
        if (!value.isObject() || value.isEmpty()) {
            parts.add(condition(field, Operator.EQ, value, at));
            return;
        }
        for (Map.Entry<String, JsonNode> member : value.properties()) {
            String opAt = at + "/" + escape(member.getKey());
            Operator op = Operator.named(member.getKey());
            if (op == null) {
                throw fault(opAt, UNKNOWN_OPERATOR);
            }
            parts.add(condition(field, op, member.getValue(), opAt));
        }
    }

    /** One field–operator pair: the operator must suit the field, the operand the operator; then it counts. */
    private Expression condition(Field field, Operator op, JsonNode operand, String at) {
        if (!op.appliesTo(field)) {
            throw fault(at, NOT_ALLOWED);
        }
        Expression condition = switch (op) {
            case EXISTS -> {
                if (!operand.isBoolean()) {
                    throw fault(at, MUST_BE_BOOLEAN);
                }
                yield field.isString()
                        ? StringCondition.exists(field, operand.booleanValue())
                        : NumberCondition.exists(field, operand.booleanValue());
            }
            case IN, NIN -> {
                if (!operand.isArray() || operand.isEmpty() || operand.size() > MAX_VALUES) {
                    throw fault(at, MUST_BE_VALUES);
                }
                if (field.isString()) {
                    String[] values = new String[operand.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = string(operand.get(i), at + "/" + i);
                    }
                    yield StringCondition.in(field, op, values);
                }
                double[] values = new double[operand.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = number(operand.get(i), at + "/" + i);
                }
                yield NumberCondition.in(field, op, values);
            }
            case REGEX -> StringCondition.regex(field, regex(string(operand, at), field.ignoresCase(), at));
            default -> field.isString()
                    ? StringCondition.of(field, op, string(operand, at))
                    : NumberCondition.of(field, op, number(operand, at));
        };
        if (++conditions > MAX_CONDITIONS) {
            throw fault(at, TOO_MANY);
        }
        return condition;
    }

    private static String string(JsonNode operand, String at) {
        if (!operand.isTextual()) {
            throw fault(at, MUST_BE_STRING);
        }
        return operand.textValue();
    }

    /** Any JSON number; beyond a double's range it is ±infinity, which still compares as expected. */
    private static double number(JsonNode operand, String at) {
        if (!operand.isNumber()) {
            throw fault(at, MUST_BE_NUMBER);
        }
        return operand.doubleValue();
    }

    private static Pattern regex(String source, boolean ignoreCase, String at) {
        if (source.codePointCount(0, source.length()) > MAX_REGEX_CHARS) {
            throw fault(at, INVALID_REGEX);
        }
        try {
            return Pattern.compile(source, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (RuntimeException e) { // PatternSyntaxException, and whatever else a hostile pattern provokes
            throw fault(at, INVALID_REGEX);
        }
    }

    /** A member name as an RFC 6901 reference token. */
    static String escape(String key) {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0) {
            return key;
        }
        return key.replace("~", "~0").replace("/", "~1");
    }

    static ApiException fault(String pointer, String reason) {
        return ApiException.badRequest("Invalid filter at " + pointer + ": " + reason);
    }
}
