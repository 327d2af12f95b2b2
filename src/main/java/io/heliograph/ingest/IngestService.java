package io.heliograph.ingest;

import io.heliograph.store.Database;
import io.heliograph.store.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    static final int MAX_BATCH = 256;

    /** Runs inside the transaction that inserts logs the org did not have yet, then after its commit. */
    public interface NewLogHook {
        /** In the transaction, with every new log it inserts (a group commit holds many). */
        void onNewLogs(Handle transaction, List<RequestLog> logs);

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
                public void onNewLogs(Handle transaction, List<RequestLog> logs) {
                }

                @Override
                public void afterCommit(List<RequestLog> logs) {
                    committed.accept(logs.size());
                }
            };
        }
    }

    private record Pending(RequestLog log, CompletableFuture<Boolean> inserted) {
    }

    private final Database database;
    private final RequestLogStore store;
    private final LogAssembler assembler;
    private final List<NewLogHook> hooks;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean closed;

    public IngestService(Database database, RequestLogStore store, LogAssembler assembler, List<NewLogHook> hooks) {
        this.database = database;
        this.store = store;
        this.assembler = assembler;
        this.hooks = List.copyOf(hooks);
        // SQLite has one writer at a time; PostgreSQL overlaps a few commits' fsyncs.
        int count = database.dialect() == Dialect.SQLITE ? 1 : 4;
        for (int i = 0; i < count; i++) {
            committers.add(Thread.ofPlatform().daemon().name("log-committer-" + i).start(this::commitLoop));
        }
    }

    /** Logs the request (once per id) and answers its id, once committed. A repeated id is answered the same, with no new effects. */
    public String log(String orgId, LogInput input) {
        RequestLog log = assembler.assemble(orgId, input);
        if (closed) {
            throw new IllegalStateException("The server is shutting down");
        }
        Pending pending = new Pending(log, new CompletableFuture<>());
        queue.add(pending);
        try {
            pending.inserted().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the log was being stored", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
        return log.id();
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("Log committer failed", e);
                batch.forEach(p -> p.inserted().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        boolean[] inserted = new boolean[batch.size()];
        List<RequestLog> fresh = new ArrayList<>(batch.size());
        try {
            database.jdbi().useTransaction(h -> {
                fresh.clear();
                boolean[] isNew = store.insertAll(h, batch.stream().map(Pending::log).toList());
                for (int i = 0; i < batch.size(); i++) {
                    inserted[i] = isNew[i];
                    if (isNew[i]) {
                        fresh.add(batch.get(i).log());
                    }
                }
                if (!fresh.isEmpty()) {
                    hooks.forEach(hook -> hook.onNewLogs(h, fresh));
                }
            });
        } catch (RuntimeException batchFailure) {
            hooks.forEach(NewLogHook::afterRollback);
            if (batch.size() == 1) {
                batch.get(0).inserted().completeExceptionally(batchFailure);
                return;
            }
            // Find the one that cannot be stored: each alone, so the others still commit.
            for (Pending p : batch) {
                try {
                    boolean isNew = database.jdbi().inTransaction(h -> insert(h, p.log()));
                    if (isNew) {
                        hooks.forEach(hook -> hook.afterCommit(List.of(p.log())));
                    }
                    p.inserted().complete(isNew);
                } catch (RuntimeException e) {
                    hooks.forEach(NewLogHook::afterRollback);
                    p.inserted().completeExceptionally(e);
                }
            }
            return;
        }
        if (!fresh.isEmpty()) {
            hooks.forEach(hook -> hook.afterCommit(fresh));
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).inserted().complete(inserted[i]);
        }
    }

    private boolean insert(Handle h, RequestLog log) {
        boolean isNew = store.insert(h, log);
        if (isNew) {
            hooks.forEach(hook -> hook.onNewLogs(h, List.of(log)));
        }
        return isNew;
    }

    /** Commits what is queued, then stops the committers. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : committers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
