package dev.caravan.storage;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Lets the request log's writer finish what the last requests queued before Camel's graceful shutdown looks. That
 * shutdown checks for pending rows and exchanges in flight once a second (Camel's {@code DefaultShutdownStrategy}
 * sleeps a whole second between checks), so a single row still queued made every stop a second longer ("Waiting as
 * there are still 7 inflight and pending exchanges"), while the writer's timer (every 50 ms,
 * routes/request-log.camel.yaml) writes it within milliseconds. Called when the main port has drained
 * ({@code DrainAtShutdown}), when no request is left to add rows; bounded, so a database that is away costs a stop no
 * more than the bound before Camel's own wait takes over, as before. Thread-safe.
 */
public final class RequestLogFlush {

    /** Between two looks: short against the writer's 50 ms period, long enough to cost nothing while it waits. */
    private static final long LOOK_EVERY_NANOS = Duration.ofMillis(2).toNanos();

    private final IntSupplier queued;
    private final IntSupplier inFlight;

    /**
     * @param queued   rows waiting to be written ({@link RequestLogQueue#size})
     * @param inFlight exchanges in flight in the whole context: a batch being written is one, and Camel's shutdown
     *                 waits for any of them too
     */
    public RequestLogFlush(IntSupplier queued, IntSupplier inFlight) {
        this.queued = queued;
        this.inFlight = inFlight;
    }

    /**
     * Waits until no row is queued and no exchange is in flight, or {@code bound} has passed.
     *
     * @return true when everything was written within the bound
     */
    public boolean await(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (queued.getAsInt() > 0 || inFlight.getAsInt() > 0) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(LOOK_EVERY_NANOS);
        }
        return true;
    }
}
