package dev.caravan.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.vertx.core.spi.ExecutorServiceFactory;

/**
 * Vert.x worker pools that grow only when every thread is busy and shrink when idle. Vert.x's default is a
 * fixed pool, which starts a new thread for each task until it holds them all: sized for 1,000 streams, it
 * would keep 1,000 threads (and their stacks) after the first thousand sequential requests. Here a task goes
 * to an idle thread when one waits, a new thread is started only when none does, and threads idle for a
 * minute end. The upper bound stays Vert.x's worker pool size. Thread-safe.
 */
public final class ElasticWorkerPool implements ExecutorServiceFactory {

    private static final long IDLE_SECONDS = 60;

    @Override
    public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
        int max = Math.max(1, maxConcurrency == null || maxConcurrency == 0 ? concurrency : maxConcurrency);
        HandOffQueue queue = new HandOffQueue();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(Math.min(2, max), max, IDLE_SECONDS, TimeUnit.SECONDS,
                queue, threadFactory, (task, pool) -> {
                    // lost a race for the last thread slot: wait in line like any task beyond the bound
                    if (pool.isShutdown() || !queue.enqueue(task)) {
                        throw new RejectedExecutionException("worker pool is shut down");
                    }
                });
        queue.executor = executor;
        return executor;
    }

    /** Hands a task to a waiting thread, or refuses it so the executor starts a thread, or queues it at the bound. */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private volatile ThreadPoolExecutor executor;

        @Override
        public boolean offer(Runnable task) {
            if (tryTransfer(task)) {
                return true;
            }
            ThreadPoolExecutor ex = executor;
            if (ex != null && ex.getPoolSize() < ex.getMaximumPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        boolean enqueue(Runnable task) {
            return super.offer(task);
        }
    }
}
