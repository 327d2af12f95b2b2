package io.heliograph.filter;

/**
 * One operator on a number field. Integer fields and number fields alike compare as JSON numbers
 * do, numerically: {@code 3.0} equals {@code 3}, and {@code 3.5} equals no status at all.
 */
final class NumberCondition implements Expression {
    private final Field field;
    private final Operator op;
    private final double operand;
    private final double[] operands;
    private final boolean exists;

    private NumberCondition(Field field, Operator op, double operand, double[] operands, boolean exists) {
        this.field = field;
        this.op = op;
        this.operand = operand;
        this.operands = operands;
        this.exists = exists;
    }

    static NumberCondition of(Field field, Operator op, double operand) {
        return new NumberCondition(field, op, operand, null, false);
    }

    static NumberCondition in(Field field, Operator op, double[] operands) {
        return new NumberCondition(field, op, Double.NaN, operands, false);
    }

    static NumberCondition exists(Field field, boolean exists) {
        return new NumberCondition(field, Operator.EXISTS, Double.NaN, null, exists);
    }

    @Override
    public boolean matches(FilterSubject subject) {
        double value = field.number().applyAsDouble(subject);
        if (Double.isNaN(value)) {
            return op.holdsWhenMissing(exists);
        }
        return switch (op) {
            case EQ -> value == operand;
            case NE -> value != operand;
            case IN -> oneOf(value);
            case NIN -> !oneOf(value);
            case GT -> value > operand;
            case GTE -> value >= operand;
            case LT -> value < operand;
            case LTE -> value <= operand;
            case EXISTS -> exists;
            case PREFIX, SUFFIX, CONTAINS, REGEX ->
                    throw new AssertionError("refused at compile time: " + op.key + " on " + field.name());
        };
    }

    private boolean oneOf(double value) {
        for (double candidate : operands) {
            if (value == candidate) {
                return true;
            }
        }
        return false;
    }
}
