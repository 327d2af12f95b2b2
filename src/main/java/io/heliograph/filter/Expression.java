package io.heliograph.filter;

/** A compiled part of a filter: a condition on one field, or a combination of parts. */
sealed interface Expression permits Expression.All, Expression.Any, Expression.None, StringCondition, NumberCondition {
    boolean matches(FilterSubject subject);

    /** {@code $and}, and an object with several keys: every part holds (none: true). */
    final class All implements Expression {
        private final Expression[] parts;

        All(Expression[] parts) {
            this.parts = parts;
        }

        @Override
        public boolean matches(FilterSubject subject) {
            for (Expression part : parts) {
                if (!part.matches(subject)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code $or}: some part holds. */
    final class Any implements Expression {
        private final Expression[] parts;

        Any(Expression[] parts) {
            this.parts = parts;
        }

        @Override
        public boolean matches(FilterSubject subject) {
            for (Expression part : parts) {
                if (part.matches(subject)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code $not}. */
    final class None implements Expression {
        private final Expression part;

        None(Expression part) {
            this.part = part;
        }

        @Override
        public boolean matches(FilterSubject subject) {
            return !part.matches(subject);
        }
    }
}
