package io.heliograph.store;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite lets one transaction write at a time, and a writer that finds the lock taken sleeps in
 * SQLite's busy handler (1, 2, 5, 10 … 100 ms steps) before trying again. Under load those sleeps,
 * not the work, set the pace: the log committer waited ~16 ms per batch behind the dispatcher's
 * claims. This handler queues transactions of this process on one lock instead, so the next one
 * starts the moment the previous commits. (Every transaction here writes or may write: they begin
 * IMMEDIATE.) Transactions of other processes still meet the busy handler, as before.
 */
final class SerializedTransactions implements TransactionHandler {
    private final TransactionHandler delegate;
    private final ReentrantLock lock;

    SerializedTransactions(TransactionHandler delegate, ReentrantLock lock) {
        this.delegate = delegate;
        this.lock = lock;
    }

    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new SerializedTransactions(delegate.specialize(handle), lock);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        if (delegate.isInTransaction(handle)) {
            return delegate.inTransaction(handle, callback);
        }
        lock.lock();
        try {
            return delegate.inTransaction(handle, callback);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback)
            throws X {
        if (delegate.isInTransaction(handle)) {
            return delegate.inTransaction(handle, level, callback);
        }
        lock.lock();
        try {
            return delegate.inTransaction(handle, level, callback);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void begin(Handle handle) {
        delegate.begin(handle);
    }

    @Override
    public void commit(Handle handle) {
        delegate.commit(handle);
    }

    @Override
    public void rollback(Handle handle) {
        delegate.rollback(handle);
    }

    @Override
    public boolean isInTransaction(Handle handle) {
        return delegate.isInTransaction(handle);
    }

    @Override
    public void savepoint(Handle handle, String name) {
        delegate.savepoint(handle, name);
    }

    @Override
    public void rollbackToSavepoint(Handle handle, String name) {
        delegate.rollbackToSavepoint(handle, name);
    }

    @Override
    public void releaseSavepoint(Handle handle, String name) {
        delegate.releaseSavepoint(handle, name);
    }
}
