package dev.caravan.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request log's bounded queue between the wire tap and the batch writer (routes/request-log.camel.yaml): the
 * wire tap's step offers a finished request's rows here on the request's own thread, never waiting (lock-free: a
 * counter bounds a linked queue); when REQUEST_LOG_QUEUE_SIZE entries wait already, the rows are dropped and counted.
 * The writer takes them in batches ({@link RequestLogBatches}). It also counts every row that could not be written
 * (a full queue, or a batch the database refused while Caravan was stopping). Thread-safe.
 */
public final class RequestLogQueue implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLogQueue.class);

    private final int capacity;
    private final ConcurrentLinkedQueue<LogEntry> rows = new ConcurrentLinkedQueue<>();
    /** Entries in {@link #rows}, or about to be: reserved before an entry is added, released after one is taken. */
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean warnedFull = new AtomicBoolean();

    /** @param capacity rows held at most (REQUEST_LOG_QUEUE_SIZE) */
    public RequestLogQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * The wire tap's last step: queues the body's rows (a {@link LogEntry}, or a list of them such as the
     * unauthenticated summaries), dropping and counting what does not fit.
     */
    @Override
    public void process(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof LogEntry entry) {
            offer(entry);
        } else if (body instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof LogEntry entry) {
                    offer(entry);
                }
            }
        }
    }

    /** Queues one request's rows, or drops and counts them when the queue is full. Never blocks. */
    public void offer(LogEntry entry) {
        if (queued.incrementAndGet() <= capacity) {
            rows.add(entry);
        } else {
            queued.decrementAndGet();
            dropped.increment();
            if (warnedFull.compareAndSet(false, true)) {
                LOG.warn("Request log queue is full: rows are being dropped (the database is too slow or unreachable); "
                        + "counting drops from now on");
            }
        }
    }

    /** Takes up to {@code max} queued entries, oldest first (empty when none waits). */
    public List<LogEntry> take(int max) {
        List<LogEntry> batch = new ArrayList<>(Math.max(1, Math.min(max, queued.get())));
        LogEntry e;
        while (batch.size() < max && (e = rows.poll()) != null) {
            batch.add(e);
        }
        queued.addAndGet(-batch.size());
        return batch;
    }

    /** Entries waiting to be written. */
    public int size() {
        return queued.get();
    }

    /** Rows given up: {@code n} entries of a batch that could not be written. */
    public void dropped(int n) {
        dropped.add(n);
    }

    /** Gives up every queued entry (Caravan is stopping and the database refuses them): they are counted as dropped. */
    public int dropAll() {
        int n = take(Integer.MAX_VALUE).size();
        dropped.add(n);
        return n;
    }

    /** A batch was written: the next time the queue fills is worth a new warning. */
    void written() {
        warnedFull.set(false);
    }

    /** Entries dropped since start (a full queue, or the database refused them at a stop). */
    public long droppedRows() {
        return dropped.sum();
    }
}
