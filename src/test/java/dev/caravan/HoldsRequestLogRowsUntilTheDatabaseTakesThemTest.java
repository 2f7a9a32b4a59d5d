package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import dev.caravan.storage.RequestLog;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix: while the database refuses the request log's inserts (here its table is renamed away, so
 * every insert fails at once), rows wait in memory for as long as it takes, and are written once the table is back;
 * what waits is bounded by REQUEST_LOG_QUEUE_SIZE (and the batches being retried), beyond which rows are dropped
 * and counted rather than held. (MariaDB going away as a whole: KeepsServingWhileTheDatabaseIsDownTest.)
 */
class HoldsRequestLogRowsUntilTheDatabaseTakesThemTest {

    private static final int QUEUE = 100;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b")
            .set("caravan.request-log-queue-size", String.valueOf(QUEUE));

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private final Rows.Db db = gateway::openDatabase;

    private RequestLog requestLog() {
        return gateway.caravan().configuration().requestLog();
    }

    @Test
    void rowsOfAnOutageLongerThanAnyRetryBudgetAreWrittenWhenTheDatabaseTakesThemAgain() throws Exception {
        long before = settledCount();
        long droppedBefore = requestLog().droppedRows();
        int n = 20;
        tableAway();
        try {
            for (int i = 0; i < n; i++) {
                assertThat(gateway.post(FLASH, Gateway.prompt("away " + i)).statusCode()).isEqualTo(200);
            }
            // longer than the five retries (about 11 s of pauses) after which a batch used to be dropped
            await().during(Duration.ofSeconds(14)).atMost(Duration.ofSeconds(20))
                    .until(() -> requestLog().droppedRows() == droppedBefore);
        } finally {
            tableBack();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> Rows.count(db, "request_log") == before + n);
        assertThat(requestLog().droppedRows()).isEqualTo(droppedBefore);
    }

    @Test
    void beyondItsBoundRowsAreDroppedAndCountedAndTheRestAreWritten() throws Exception {
        long before = settledCount();
        long droppedBefore = requestLog().droppedRows();
        int n = 1_000;
        long dropped;
        tableAway();
        try {
            for (int i = 0; i < n; i++) {
                assertThat(gateway.post(FLASH, Gateway.prompt("flood " + i)).statusCode()).isEqualTo(200);
            }
            // the last rows reach the queue just after their answers
            await().atMost(Duration.ofSeconds(10)).until(() -> requestLog().droppedRows() - droppedBefore > 0);
            dropped = requestLog().droppedRows() - droppedBefore;
        } finally {
            tableBack();
        }

        long held = n - dropped;
        await().atMost(Duration.ofSeconds(60)).until(() -> Rows.count(db, "request_log") == before + held);
        System.out.printf("HoldsRequestLogRowsUntilTheDatabaseTakesThemTest: %d rows held with a queue of %d, %d dropped%n",
                held, QUEUE, dropped);
        // the queue, and the one batch (at most 200 rows) the writer retries: a bound, however long the outage
        assertThat(held).isBetween((long) QUEUE, (long) QUEUE + 200);
        assertThat(requestLog().droppedRows() - droppedBefore).isEqualTo(dropped);
        // and Prometheus sees the same count
        assertThat(gateway.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body())
                .contains("caravan_request_log_dropped_rows_total " + (double) requestLog().droppedRows())
                .contains("caravan_request_log_queued_rows 0.0");
    }

    /**
     * The rows written once the database works: one more request's row is in (each test leaves every row of its own
     * written, so nothing else is on its way).
     */
    private long settledCount() throws Exception {
        long before = Rows.count(db, "request_log");
        assertThat(gateway.post(FLASH, Gateway.prompt("settle")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> Rows.count(db, "request_log") == before + 1);
        return before + 1;
    }

    private void tableAway() throws Exception {
        try (Connection c = gateway.openDatabase(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE request_log RENAME TO request_log_away");
        }
    }

    private void tableBack() throws Exception {
        try (Connection c = gateway.openDatabase(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE request_log_away RENAME TO request_log");
        }
    }
}
