package io.heliograph.ingest;

import io.heliograph.store.Database;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Stores logs durably: a log is committed before its route answers. Whatever must be written with a
 * new log — the delivery outbox — joins the same transaction through a {@link NewLogHook}, so the two
 * commit together or not at all.
 */
public final class IngestService {

    /** Runs inside the transaction that inserts a log the org did not have yet. */
    @FunctionalInterface
    public interface NewLogHook {
        void onNewLog(Handle transaction, RequestLog log);

        /** Runs after that transaction committed. */
        default void afterCommit() {
        }

        /** A hook that only acts once a new log is committed (a counter, a wake-up). */
        static NewLogHook afterEachCommit(Runnable action) {
            return new NewLogHook() {
                @Override
                public void onNewLog(Handle transaction, RequestLog log) {
                }

                @Override
                public void afterCommit() {
                    action.run();
                }
            };
        }
    }

    private final Database database;
    private final RequestLogStore store;
    private final LogAssembler assembler;
    private final List<NewLogHook> hooks;

    public IngestService(Database database, RequestLogStore store, LogAssembler assembler, List<NewLogHook> hooks) {
        this.database = database;
        this.store = store;
        this.assembler = assembler;
        this.hooks = List.copyOf(hooks);
    }

    /** Logs the request (once per id) and answers its id. A repeated id is answered the same, with no new effects. */
    public String log(String orgId, LogInput input) {
        RequestLog log = assembler.assemble(orgId, input);
        boolean isNew = database.jdbi().inTransaction(h -> {
            boolean inserted = store.insert(h, log);
            if (inserted) {
                hooks.forEach(hook -> hook.onNewLog(h, log));
            }
            return inserted;
        });
        if (isNew) {
            hooks.forEach(NewLogHook::afterCommit);
        }
        return log.id();
    }
}
