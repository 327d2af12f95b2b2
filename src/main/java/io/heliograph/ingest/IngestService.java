package io.heliograph.ingest;

import io.heliograph.store.Database;
import io.heliograph.store.GroupCommitter;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Stores logs durably: a log is committed before its route answers. Whatever must be written with a
 * new log — the delivery outbox — joins the same transaction through a {@link NewLogHook}, so the two
 * commit together or not at all.
 *
 * <p>Group commit: callers do not each open a transaction. They hand their log to a committer, which
 * takes every log waiting at that moment (up to {@value #MAX_BATCH}) and writes them in one
 * transaction — one fsync for the lot — then answers each caller. Under load the batch grows by
 * itself; alone, a log waits for nothing but its own commit. If a batch fails, its logs are written
 * again one by one, so a log that cannot be stored fails alone and the others still commit.
 */
public final class IngestService implements AutoCloseable {
    static final int MAX_BATCH = 256;
    static final int COMMITTERS = 1;
    /** Logs waiting for the committer at most; beyond it a log is refused with 503 (the budget usually binds first). */
    static final int MAX_WAITING = 8192;

    /** Runs inside the transaction that inserts logs the org did not have yet, then after its commit. */
    public interface NewLogHook {
        /**
         * In the transaction, with every new log it inserts (a group commit holds many) and the time
         * they are stored at (their {@code logged_at}).
         */
        void onNewLogs(Handle transaction, List<RequestLog> logs, long loggedAt);

        /** After that transaction committed, on the same thread, with the same logs. */
        default void afterCommit(List<RequestLog> logs) {
        }

        /** After that transaction rolled back (or failed to commit), on the same thread. */
        default void afterRollback() {
        }

        /** A hook that only acts once new logs are committed (a counter). */
        static NewLogHook afterEachCommit(java.util.function.IntConsumer committed) {
            return new NewLogHook() {
                @Override
                public void onNewLogs(Handle transaction, List<RequestLog> logs, long loggedAt) {
                }

                @Override
                public void afterCommit(List<RequestLog> logs) {
                    committed.accept(logs.size());
                }
            };
        }
    }

    private final Database database;
    private final RequestLogStore store;
    private final LogAssembler assembler;
    private final List<NewLogHook> hooks;
    private final GroupCommitter<RequestLog, Boolean> committer;
    private final IngestBudget budget;
    private volatile boolean closed;

    public IngestService(Database database, RequestLogStore store, LogAssembler assembler, List<NewLogHook> hooks) {
        this(database, store, assembler, hooks, IngestBudget.ofHeap());
    }

    public IngestService(Database database, RequestLogStore store, LogAssembler assembler, List<NewLogHook> hooks,
            IngestBudget budget) {
        this.database = database;
        this.budget = budget;
        this.store = store;
        this.assembler = assembler;
        this.hooks = List.copyOf(hooks);
        // One committer on both stores. SQLite has one writer at a time. On PostgreSQL, more committers
        // split the logs in flight into smaller batches, and each batch's statements cost both sides
        // per row: with 64 connections, 4 committers took 5,200 logs/s at 176 µs of PostgreSQL CPU per
        // log, 2 took 8,200 at 93 µs, 1 took 8,060 at 70 µs (docs/benchmarks.md, issue 17). Tried again
        // once a log cost less (seventh session): 2 took ingest alone ~35 % higher but lost end to end,
        // where the machine's cores bind, in 4 of 6 pairs; on a slower host (eighth session) they gained
        // nothing at ingest either and cost both sides more CPU per log.
        this.committer = new GroupCommitter<>("log-committer", COMMITTERS, MAX_BATCH, MAX_WAITING, this::commit);
    }

    /** The memory the logs in flight may hold: routes reserve their share before reading a body. */
    public IngestBudget budget() {
        return budget;
    }

    /** Logs the request (once per id) and answers its id, once committed. A repeated id is answered the same, with no new effects. */
    public String log(String orgId, LogInput input) {
        RequestLog log = assembler.assemble(orgId, input);
        if (closed) {
            throw new IllegalStateException("The server is shutting down");
        }
        try {
            committer.await(log);
        } catch (GroupCommitter.Full e) {
            throw IngestBudget.overloaded();
        }
        return log.id();
    }

    /**
     * One transaction for the batch: the logs the org did not have yet, and whatever the hooks add
     * (the outbox); answers, per log, whether it was new. The hooks hear of the commit or the rollback.
     */
    private List<Boolean> commit(List<RequestLog> batch) {
        List<RequestLog> fresh = new ArrayList<>(batch.size());
        List<Boolean> inserted;
        try {
            inserted = database.logWriter().inTransaction(h -> {
                fresh.clear();
                long loggedAt = database.clock().millis();
                boolean[] isNew = store.insertAll(h, batch, loggedAt);
                List<Boolean> answers = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    answers.add(isNew[i]);
                    if (isNew[i]) {
                        fresh.add(batch.get(i));
                    }
                }
                if (!fresh.isEmpty()) {
                    hooks.forEach(hook -> hook.onNewLogs(h, fresh, loggedAt));
                }
                return answers;
            });
        } catch (RuntimeException e) {
            hooks.forEach(NewLogHook::afterRollback);
            throw e;
        }
        if (!fresh.isEmpty()) {
            hooks.forEach(hook -> hook.afterCommit(fresh));
        }
        return inserted;
    }

    /** Commits what is queued, then stops the committers. */
    @Override
    public void close() {
        closed = true;
        committer.close();
    }
}
