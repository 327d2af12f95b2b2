package io.heliograph.store;

/**
 * The two stores Heliograph runs on. Every SQL difference between them is decided here, so the
 * data-access classes can share one text for everything else.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * Appended to a SELECT that reads a row about to be rewritten in the same transaction. SQLite
     * has no row locks; its write transactions begin IMMEDIATE and so are serialised already.
     */
    public String lockForUpdate() {
        return this == POSTGRESQL ? " FOR UPDATE" : "";
    }

    /**
     * Appended to the claim query of the delivery dispatcher: on PostgreSQL, rows another process is
     * claiming are skipped rather than waited for, so several servers share one outbox. SQLite has
     * one writer at a time, so its claims never overlap.
     */
    public String skipLocked(String table) {
        return this == POSTGRESQL ? " FOR UPDATE OF " + table + " SKIP LOCKED" : "";
    }

    /** The larger of two values: a scalar {@code MAX} on SQLite, {@code GREATEST} on PostgreSQL. */
    public String greatest(String a, String b) {
        return (this == POSTGRESQL ? "GREATEST(" : "MAX(") + a + ", " + b + ")";
    }

    public static Dialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        throw new IllegalArgumentException("Unsupported database URL (expected jdbc:postgresql:… or jdbc:sqlite:…): " + DatabaseUrls.redact(jdbcUrl));
    }
}
