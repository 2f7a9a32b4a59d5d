package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Issue 16: the request log's queue never holds more than its size, whatever the number of request threads offering
 * at once; what does not fit is counted, each entry exactly once, and the batches give back every entry held, oldest
 * first.
 */
class RequestLogQueueDropsWhatDoesNotFitTest {

    private static LogEntry entry(int i) {
        return new LogEntry(RequestLog.REQUEST.row().put("request_id", "r-" + i).values(), null);
    }

    @Test
    void holdsAtMostItsSizeAndCountsEveryEntryBeyond() throws Exception {
        int capacity = 1_000;
        int threads = 8;
        int each = 5_000;
        RequestLogQueue queue = new RequestLogQueue(capacity);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> offers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            offers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    queue.offer(entry(base + i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : offers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(queue.size()).isEqualTo(capacity);
        assertThat(queue.droppedRows()).isEqualTo((long) threads * each - capacity);

        Set<Object> ids = new HashSet<>();
        List<LogEntry> batch;
        while (!(batch = queue.take(RequestLogBatches.BATCH_SIZE)).isEmpty()) {
            assertThat(batch.size()).isLessThanOrEqualTo(RequestLogBatches.BATCH_SIZE);
            batch.forEach(e -> ids.add(e.requestValue("request_id")));
        }
        assertThat(ids).hasSize(capacity);
        assertThat(queue.size()).isZero();
    }

    @Test
    void takesRoomAgainOnceBatchesAreTaken() {
        RequestLogQueue queue = new RequestLogQueue(3);
        for (int i = 0; i < 4; i++) {
            queue.offer(entry(i));
        }
        assertThat(queue.droppedRows()).isEqualTo(1);

        assertThat(queue.take(2)).extracting(e -> e.requestValue("request_id")).containsExactly("r-0", "r-1");
        queue.offer(entry(4));
        queue.offer(entry(5));
        queue.offer(entry(6));

        assertThat(queue.droppedRows()).isEqualTo(2);
        assertThat(queue.take(10)).extracting(e -> e.requestValue("request_id")).containsExactly("r-2", "r-4", "r-5");
        assertThat(queue.dropAll()).isZero();
    }
}
