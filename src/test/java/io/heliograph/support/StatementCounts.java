package io.heliograph.support;

import io.heliograph.store.Database;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * Records, for every statement the server runs from now on whose SQL contains {@code marker}, how
 * many rows it changed: what shows that work over many rows runs in bounded batches.
 */
public final class StatementCounts {
    private final String marker;
    private final List<Integer> counts = new CopyOnWriteArrayList<>();

    private StatementCounts(String marker) {
        this.marker = marker;
    }

    public static StatementCounts watch(Database db, String marker) {
        StatementCounts watcher = new StatementCounts(marker);
        StatementCustomizer customizer = new StatementCustomizer() {
            @Override
            public void afterExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
                if (ctx.getRawSql() != null && ctx.getRawSql().contains(watcher.marker)) {
                    watcher.counts.add(stmt.getUpdateCount());
                }
            }
        };
        db.jdbi().getConfig(SqlStatements.class).addCustomizer(customizer);
        db.bookkeeping().getConfig(SqlStatements.class).addCustomizer(customizer);
        return watcher;
    }

    /** Rows changed by each matching statement, in order. */
    public List<Integer> counts() {
        return List.copyOf(counts);
    }
}
