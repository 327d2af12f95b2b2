package io.heliograph.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand over one item each; a writer thread takes every item waiting at that
 * moment (up to {@code maxBatch}) and writes them in one transaction — one commit for the lot — then
 * completes each caller's future. Under load the batch grows by itself; alone, an item waits for
 * nothing but its own write. If a batch fails, its items are written again one by one, so an item
 * that cannot be written fails alone and the others still commit. Used by the log committer and the
 * delivery attempt recorder.
 *
 * @param <T> what is written
 * @param <R> what writing one item answers
 */
public final class GroupCommitter<T, R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Writes a batch in one transaction, all or nothing, answering one result per item in order. */
    @FunctionalInterface
    public interface Writer<T, R> {
        List<R> write(List<T> batch);
    }

    /** The queue already holds as many items as it may: the caller should come back later. */
    public static final class Full extends IllegalStateException {
        Full(String name) {
            super(name + " has too many items waiting", null);
        }
    }

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    private final String name;
    private final int maxBatch;
    private final Writer<T, R> writer;
    private final LinkedBlockingQueue<Pending<T, R>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /** Starts {@code threads} writer threads named {@code name-0}, {@code name-1} …, with no bound on what waits. */
    public GroupCommitter(String name, int threads, int maxBatch, Writer<T, R> writer) {
        this(name, threads, maxBatch, Integer.MAX_VALUE, writer);
    }

    /** As above; beyond {@code capacity} items waiting, {@link #submit} fails at once with {@link Full}. */
    public GroupCommitter(String name, int threads, int maxBatch, int capacity, Writer<T, R> writer) {
        this.name = name;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.writer = writer;
        for (int i = 0; i < threads; i++) {
            this.threads.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(this::loop));
        }
    }

    /** Queues the item; the future completes once it is written (or fails with why it could not be). */
    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException(name + " is closed"));
            return done;
        }
        if (!queue.offer(new Pending<>(item, done))) {
            done.completeExceptionally(new Full(name));
        }
        return done;
    }

    /** Queues the item and waits until it is written; a failure is rethrown as it was thrown. */
    public R await(T item) {
        try {
            return submit(item).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Items waiting to be written. */
    public int waiting() {
        return queue.size();
    }

    private void loop() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // Whatever went wrong, nobody is left waiting for ever.
                LOG.error("{} failed", name, e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending<T, R>> batch) {
        List<R> results;
        try {
            results = writer.write(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(batchFailure);
                return;
            }
            for (Pending<T, R> p : batch) { // each alone, so the one that cannot be written fails alone
                try {
                    p.done().complete(writer.write(List.of(p.item())).get(0));
                } catch (RuntimeException e) {
                    p.done().completeExceptionally(e);
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(results.get(i));
        }
    }

    /** Writes what is queued (up to 10 s per thread), then stops. Items submitted afterwards fail at once. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Pending<T, R> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException(name + " closed before this was written"));
        }
    }
}
