package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5: a slow database does not slow requests. Another connection holds SQLite's write lock, so every insert
 * of the request log waits; the requests are answered at their usual speed meanwhile, and their rows are written
 * once the lock is released.
 */
class RequestLogNeverSlowsRequestsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void answersAtFullSpeedWhileTheDatabaseIsLockedAndWritesTheRowsAfterwards() throws Exception {
        Rows.Db db = gateway::openDatabase;
        // warm the path up, so the measurement below is of the steady state
        for (int i = 0; i < 5; i++) {
            gateway.post(FLASH, Gateway.prompt("warm " + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == 5);

        int n = 40;
        long slowest;
        try (Connection lock = gateway.openDatabase(); Statement st = lock.createStatement()) {
            // the database's write lock, held by someone else: every batch insert now waits on it
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES ('test.lock', 'x', 0)");
            slowest = 0;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("locked " + i));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                slowest = Math.max(slowest, ms);
                assertThat(res.statusCode()).isEqualTo(200);
            }
            // every request returned while the lock was held: none waited for its row
            assertThat(Rows.count(db, "request_log")).as("nothing could be written yet").isEqualTo(5);
            st.execute("ROLLBACK");
        }

        // half SQLite's busy timeout (5 s), which a request waiting for its insert would have hit (the lock is held
        // until every request returned)
        assertThat(slowest).as("slowest request while the database was locked, ms").isLessThan(2_500);
        await().atMost(Duration.ofSeconds(20)).until(() -> Rows.count(db, "request_log") == 5 + n);
        assertThat(gateway.caravan().configuration().requestLog().droppedRows()).isZero();
    }
}
