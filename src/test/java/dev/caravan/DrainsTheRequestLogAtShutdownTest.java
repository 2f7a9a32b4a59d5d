package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5: rows queued at a normal shutdown are written before the process exits. The rows of N requests are held
 * in the queue (the database is locked), the gateway is told to stop, the lock goes, and after the stop the
 * database holds exactly N rows. A stop with rows queued does not wait on Camel's once-a-second look for them.
 */
class DrainsTheRequestLogAtShutdownTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void writesThePartialBatchOfRequestsJustBeforeTheStop() throws Exception {
        Rows.Db db = gateway::openDatabase;
        gateway.restart();
        long before = Rows.count(db, "request_log");
        int n = 7;
        for (int i = 0; i < n; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("p" + i)).statusCode())
                    .isEqualTo(200);
        }
        // one more in flight when the stop begins: the drain lets it finish, so its row is queued just before Camel's
        // shutdown looks for pending rows
        gateway.stub().answer(r -> new StubGemini.Delayed(Duration.ofMillis(300),
                new StubGemini.Json(200, GoogleBodies.generateContent("late"))));
        CompletableFuture<HttpResponse<String>> last = CompletableFuture.supplyAsync(() -> {
            try {
                return gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("last"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.stub().received().size() == n + 1);

        try (LogCapture log = LogCapture.everything()) {
            gateway.stop();

            // the writer finished them before Camel's shutdown looked, which waits a whole second when it finds any
            assertThat(log.lines()).noneMatch(line -> line.contains("inflight and pending exchanges"));
        }
        assertThat(last.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Rows.count(db, "request_log")).isEqualTo(before + n + 1);
    }

    @Test
    void writesEveryQueuedRowBeforeItStops() throws Exception {
        Rows.Db db = gateway::openDatabase;
        gateway.restart();
        long before = Rows.count(db, "request_log");
        int n = 60;
        CompletableFuture<Void> stopped;
        try (Connection lock = gateway.openDatabase(); Statement st = lock.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES ('test.lock', 'x', 0)");
            for (int i = 0; i < n; i++) {
                HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("q" + i));
                assertThat(res.statusCode()).isEqualTo(200);
            }
            var context = gateway.caravan().context();
            stopped = CompletableFuture.runAsync(() -> {
                try {
                    gateway.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getStatus() == ServiceStatus.Stopping);
            assertThat(Rows.count(db, "request_log")).as("rows still queued when the stop began").isEqualTo(before);
            st.execute("ROLLBACK");
        }
        stopped.get(60, java.util.concurrent.TimeUnit.SECONDS);

        // a fresh connection after the gateway is gone
        assertThat(Rows.count(db, "request_log")).isEqualTo(before + n);
    }
}
