package io.heliograph.ingest;

import io.heliograph.api.ApiException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Back-pressure for the log routes and the gateway: how much memory the logs being received, parsed
 * and committed may hold at once. A request reserves its share before its body is read (and more as
 * a body without a length arrives); when the budget is spent, it is answered 503 with
 * {@code Retry-After} at once instead of queueing in the heap. The reservation is returned when the
 * log is committed (or refused).
 *
 * <p>A log's share is {@value #PER_LOG} bytes plus {@value #COPIES} times its body: the body is held
 * as bytes, as parsed text, as the log's stored text and as the driver's encoding of it while the
 * commit runs. The budget itself defaults to a quarter of the heap, so in-flight logs cannot take
 * the heap however many clients post at once.
 */
public final class IngestBudget {
    public static final String OVERLOADED = "The server is receiving more logs than it can hold; retry shortly";
    static final String RETRY_AFTER_SECONDS = "1";
    static final long PER_LOG = 16 * 1024;
    static final int COPIES = 4;

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public IngestBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("Ingest budget must be positive");
        }
        this.capacity = capacityBytes;
    }

    /** A quarter of the heap this JVM may grow to. */
    public static IngestBudget ofHeap() {
        return new IngestBudget(Math.max(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4));
    }


    /** Reserves the share of one log before its body is known, or refuses with 503. */
    public Reservation reserve() {
        Reservation r = new Reservation();
        r.take(PER_LOG);
        return r;
    }

    /** Bytes reserved now. */
    public long used() {
        return used.get();
    }

    public long capacity() {
        return capacity;
    }

    /** The 503 a request gets when the budget is spent. */
    public static ApiException overloaded() {
        return ApiException.unavailable(OVERLOADED, RETRY_AFTER_SECONDS);
    }

    /** One request's share; closing it (more than once is harmless) returns it to the budget. */
    public final class Reservation implements AutoCloseable {
        private final AtomicLong held = new AtomicLong();

        private Reservation() {
        }

        /** Counts {@code bodyBytes} more of the log's body, or refuses with 503 (keeping what it held). */
        public void addBody(long bodyBytes) {
            take(COPIES * Math.max(0, bodyBytes));
        }

        /** Counts {@code bodyBytes} more even when the budget is spent (work that cannot be refused any more). */
        public void addBodyAnyway(long bodyBytes) {
            long bytes = COPIES * Math.max(0, bodyBytes);
            used.addAndGet(bytes);
            held.addAndGet(bytes);
        }

        private void take(long bytes) {
            long after = used.addAndGet(bytes);
            // A request alone may always proceed: one log larger than the budget is not overload.
            if (after > capacity && after != bytes + held.get()) {
                used.addAndGet(-bytes);
                throw overloaded();
            }
            held.addAndGet(bytes);
        }

        /** Bytes this reservation holds. */
        public long held() {
            return held.get();
        }

        @Override
        public void close() {
            used.addAndGet(-held.getAndSet(0));
        }
    }
}
