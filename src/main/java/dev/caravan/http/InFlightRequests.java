package dev.caravan.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests on the main port whose answer has not been written out yet (a head received, the last byte of its
 * answer not yet on the wire, the connection still open), for a shutdown to wait for. Counted by each connection's
 * {@link ConnectionWatch}. Thread-safe.
 */
public final class InFlightRequests {

    private final AtomicInteger count = new AtomicInteger();
    private final CompletableFuture<Void> none = new CompletableFuture<>();
    private volatile boolean waiting;

    void started() {
        count.incrementAndGet();
    }

    void ended(int answers) {
        if (answers > 0 && count.addAndGet(-answers) <= 0 && waiting) {
            none.complete(null);
        }
    }

    public int count() {
        return Math.max(0, count.get());
    }

    /**
     * Waits until no request is in flight, at most {@code bound}. Requests may still arrive meanwhile (the edge
     * answers them 503 at once); each is waited for too.
     *
     * @return whether none was left in flight within the bound
     */
    public boolean awaitNone(Duration bound) throws InterruptedException {
        waiting = true;
        if (count.get() <= 0) {
            return true;
        }
        try {
            none.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return count.get() <= 0;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
