package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * At a stop, the request log's last rows are waited for until none is queued and no exchange is in flight (the batch
 * being written is one), and never longer than the bound, so a database that is away does not hold a stop.
 */
class RequestLogFlushWaitsForTheWriterTest {

    @Test
    void returnsOnceNothingIsQueuedAndTheLastBatchIsWritten() {
        AtomicInteger queued = new AtomicInteger(3);
        AtomicInteger looks = new AtomicInteger();
        // the writer takes a row at each look (3, 2, 1, then none at the fourth); the batch's exchange ends two looks
        // after the queue is empty
        RequestLogFlush flush = new RequestLogFlush(() -> {
            looks.incrementAndGet();
            return queued.getAndUpdate(q -> Math.max(0, q - 1));
        }, () -> looks.get() < 6 ? 1 : 0);

        assertThat(flush.await(Duration.ofSeconds(30))).isTrue();
        assertThat(queued.get()).isZero();
        assertThat(looks.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void returnsAtOnceWhenNothingWaits() {
        AtomicInteger looks = new AtomicInteger();
        RequestLogFlush flush = new RequestLogFlush(() -> {
            looks.incrementAndGet();
            return 0;
        }, () -> 0);

        assertThat(flush.await(Duration.ZERO)).isTrue();
        assertThat(looks.get()).isEqualTo(1);
    }

    @Test
    void givesUpAtTheBoundWhenTheRowsCannotBeWritten() {
        RequestLogFlush flush = new RequestLogFlush(() -> 5, () -> 1);

        assertThat(flush.await(Duration.ofMillis(20))).isFalse();
        assertThat(flush.await(Duration.ZERO)).isFalse();
    }
}
