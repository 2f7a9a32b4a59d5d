package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Expression;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the writer's timer writes the batches that wait when it fires, and no more: rows that arrive while it
 * writes wait for the next tick, so that under a steady load it writes full batches, not a few rows at a time.
 */
class RequestLogBatchesCountsWhatWaitsTest {

    @Test
    void countsTheBatchesThatWaitAtTheTick() {
        RequestLogQueue queue = new RequestLogQueue(1_000);
        RequestLogBatches batches = new RequestLogBatches(queue);
        Expression waiting = batches.waitingBatches();
        DefaultExchange tick = new DefaultExchange(new DefaultCamelContext());

        assertThat(waiting.evaluate(tick, Integer.class)).isZero();
        offer(queue, 1);
        assertThat(waiting.evaluate(tick, Integer.class)).isEqualTo(1);
        offer(queue, RequestLogBatches.BATCH_SIZE - 1);
        assertThat(waiting.evaluate(tick, Integer.class)).isEqualTo(1);
        offer(queue, 1);
        assertThat(waiting.evaluate(tick, Integer.class)).isEqualTo(2);

        // a batch taken leaves the rest for the count
        batches.process(tick);
        assertThat(tick.getMessage().getBody(java.util.List.class)).hasSize(RequestLogBatches.BATCH_SIZE);
        assertThat(waiting.evaluate(tick, Integer.class)).isEqualTo(1);
    }

    private static void offer(RequestLogQueue queue, int rows) {
        for (int i = 0; i < rows; i++) {
            queue.offer(new LogEntry(RequestLog.REQUEST.row().put("request_id", "r-" + i).values(), null));
        }
    }
}
