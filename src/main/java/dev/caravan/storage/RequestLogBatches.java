package dev.caravan.storage;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The batch writer's step in routes/request-log.camel.yaml: the next batch of queued request-log entries (up to
 * {@value #BATCH_SIZE}) becomes the body, a {@code List<LogEntry>}. As a step of that route it also tells Camel's
 * graceful shutdown how many entries still wait in the queue ({@link ShutdownAware}): the route is deferred, so
 * Camel keeps its timer running and waits until they are written before it stops the route. Thread-safe.
 */
public final class RequestLogBatches extends ServiceSupport implements Processor, ShutdownAware {

    /**
     * Rows of one batch insert: few enough that writing them (about 1.2 ms of CPU on SQLite) never holds for long a
     * core that requests are waiting for; the route pauses between batches (routes/request-log.camel.yaml).
     */
    public static final int BATCH_SIZE = 100;

    private final RequestLogQueue queue;

    public RequestLogBatches(RequestLogQueue queue) {
        this.queue = queue;
    }

    /**
     * How many batches wait when the writer's timer fires (bound as requestLogWaitingBatches): the writer's loop
     * writes that many, and rows that arrive meanwhile wait for the next tick. Under load the batches stay full;
     * a loop that went on while any row waited wrote batches of a few rows each (the rows of its own 1 ms pause),
     * each with its own transaction and its own copies of the exchange (bench/alloc.sh).
     */
    public Expression waitingBatches() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return (queue.size() + BATCH_SIZE - 1) / BATCH_SIZE;
            }
        };
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(queue.take(BATCH_SIZE));
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return true;
    }

    /** Entries still queued: Camel's shutdown waits for them (up to its timeout). */
    @Override
    public int getPendingExchangesSize() {
        return queue.size();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // nothing to prepare: the writer's timer drains the queue until the route stops
    }
}
