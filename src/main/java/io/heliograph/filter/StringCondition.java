package io.heliograph.filter;

import com.google.re2j.Pattern;

/**
 * One operator on a string field. Operands are fixed at compile time; a field that ignores case
 * ({@code model}, {@code provider}) is compared with {@code regionMatches}, so a match lowers nothing.
 */
final class StringCondition implements Expression {
    private final Field field;
    private final Operator op;
    private final String operand;
    private final String[] operands;
    private final Pattern regex;
    private final boolean exists;

    private StringCondition(Field field, Operator op, String operand, String[] operands, Pattern regex, boolean exists) {
        this.field = field;
        this.op = op;
        this.operand = operand;
        this.operands = operands;
        this.regex = regex;
        this.exists = exists;
    }

    static StringCondition of(Field field, Operator op, String operand) {
        return new StringCondition(field, op, operand, null, null, false);
    }

    static StringCondition in(Field field, Operator op, String[] operands) {
        return new StringCondition(field, op, null, operands, null, false);
    }

    static StringCondition regex(Field field, Pattern regex) {
        return new StringCondition(field, Operator.REGEX, null, null, regex, false);
    }

    static StringCondition exists(Field field, boolean exists) {
        return new StringCondition(field, Operator.EXISTS, null, null, null, exists);
    }

    @Override
    public boolean matches(FilterSubject subject) {
        String value = field.string().apply(subject);
        if (value == null) {
            return op.holdsWhenMissing(exists);
        }
        boolean ignoreCase = field.ignoresCase();
        return switch (op) {
            case EQ -> same(value, operand, ignoreCase);
            case NE -> !same(value, operand, ignoreCase);
            case IN -> oneOf(value, ignoreCase);
            case NIN -> !oneOf(value, ignoreCase);
            case PREFIX -> value.regionMatches(ignoreCase, 0, operand, 0, operand.length());
            case SUFFIX -> value.regionMatches(ignoreCase, value.length() - operand.length(), operand, 0, operand.length());
            case CONTAINS -> ignoreCase ? containsIgnoringCase(value, operand) : value.contains(operand);
            case REGEX -> regex.matcher(value).find();
            case EXISTS -> exists;
            case GT, GTE, LT, LTE -> throw new AssertionError("refused at compile time: " + op.key + " on " + field.name());
        };
    }

    private boolean oneOf(String value, boolean ignoreCase) {
        for (String candidate : operands) {
            if (same(value, candidate, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(String value, String operand, boolean ignoreCase) {
        return ignoreCase ? value.equalsIgnoreCase(operand) : value.equals(operand);
    }

    private static boolean containsIgnoringCase(String value, String part) {
        int last = value.length() - part.length();
        for (int i = 0; i <= last; i++) {
            if (value.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }
}
