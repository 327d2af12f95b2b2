package io.heliograph.filter;

/** The operators of a condition, with the field types each applies to. */
enum Operator {
    EQ("$eq", Applies.ANY),
    NE("$ne", Applies.ANY),
    IN("$in", Applies.ANY),
    NIN("$nin", Applies.ANY),
    GT("$gt", Applies.NUMBERS),
    GTE("$gte", Applies.NUMBERS),
    LT("$lt", Applies.NUMBERS),
    LTE("$lte", Applies.NUMBERS),
    PREFIX("$prefix", Applies.STRINGS),
    SUFFIX("$suffix", Applies.STRINGS),
    CONTAINS("$contains", Applies.STRINGS),
    REGEX("$regex", Applies.STRINGS),
    EXISTS("$exists", Applies.ANY);

    private enum Applies { ANY, NUMBERS, STRINGS }

    private static final Operator[] ALL = values();

    final String key;
    private final Applies applies;

    Operator(String key, Applies applies) {
        this.key = key;
        this.applies = applies;
    }

    /** The operator spelled {@code key}, or null. */
    static Operator named(String key) {
        for (Operator op : ALL) {
            if (op.key.equals(key)) {
                return op;
            }
        }
        return null;
    }

    boolean appliesTo(Field field) {
        return switch (applies) {
            case ANY -> true;
            case NUMBERS -> !field.isString();
            case STRINGS -> field.isString();
        };
    }

    /**
     * What a condition says of a request that lacks its field: only the negative operators hold
     * ({@code $ne}, {@code $nin}, {@code $exists: false}).
     */
    boolean holdsWhenMissing(boolean existsOperand) {
        return this == NE || this == NIN || (this == EXISTS && !existsOperand);
    }
}
