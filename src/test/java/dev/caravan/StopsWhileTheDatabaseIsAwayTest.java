package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import dev.caravan.storage.RequestLog;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix: Caravan told to stop while its database refuses the request log (its table renamed away)
 * does not wait for a database that may never return: its queued rows get a few more tries, then are counted as
 * dropped, and the stop completes well inside Camel's own shutdown timeout (45 s).
 */
class StopsWhileTheDatabaseIsAwayTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void theStopCompletesAndTheRowsItCouldNotWriteAreCounted() throws Exception {
        RequestLog log = gateway.caravan().configuration().requestLog();
        try (Connection c = gateway.openDatabase(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE request_log RENAME TO request_log_away");
        }
        int n = 10;
        for (int i = 0; i < n; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("p" + i))
                    .statusCode()).isEqualTo(200);
        }
        // a first batch has been refused: the retries have begun
        await().atMost(Duration.ofSeconds(10)).until(() -> log.retrying());

        long start = System.nanoTime();
        gateway.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("StopsWhileTheDatabaseIsAwayTest: stopped in %d ms, %d rows counted as dropped%n",
                took.toMillis(), log.droppedRows());
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        assertThat(log.droppedRows()).isEqualTo(n);
        try (Connection c = gateway.openDatabase(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE request_log_away RENAME TO request_log");
        }
    }
}
