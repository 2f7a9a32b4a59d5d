package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.caravan.storage.RequestLogBatches;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: the request-log writer shares the core with the requests, so it writes a backlog in batches of at most
 * 100 rows with a pause between them (routes/request-log.camel.yaml) instead of holding the core for as long as the
 * whole backlog takes. 250 rows are held back (the database is locked), then let go: they arrive in three or more
 * batch inserts of at most 100 rows, each begun at least a millisecond after the one before ended.
 */
class WritesTheRequestLogInSmallBatchesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    /** One batch insert into request_log: when it began and ended (nanoTime) and how many rows it wrote. */
    record Insert(long began, long ended, int rows) {
    }

    @Test
    void writesABacklogInBatchesOfAHundredWithAPauseBetween() throws Exception {
        Rows.Db db = gateway::openDatabase;
        long before = Rows.count(db, "request_log");
        List<Insert> inserts = new CopyOnWriteArrayList<>();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                // a batch the locked database refused is left out: it is tried again and counted when it is written
                if (event instanceof CamelEvent.ExchangeSentEvent sent && sent.getExchange().getException() == null
                        && sent.getEndpoint().getEndpointUri().startsWith("sql://INSERT%20INTO%20request_log")) {
                    long ended = System.nanoTime();
                    Integer rows = sent.getExchange().getMessage().getHeader("CamelSqlUpdateCount", Integer.class);
                    inserts.add(new Insert(ended - sent.getTimeTaken() * 1_000_000L, ended, rows == null ? -1 : rows));
                }
            }
        };
        var context = gateway.caravan().context();
        context.getManagementStrategy().addEventNotifier(notifier);
        notifier.start();
        try {
            int n = 250;
            try (Connection lock = gateway.openDatabase(); Statement st = lock.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                st.execute("INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES ('test.lock', 'x', 0)");
                for (int i = 0; i < n; i++) {
                    assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b" + i))
                            .statusCode()).isEqualTo(200);
                }
                st.execute("ROLLBACK");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Rows.count(db, "request_log") == before + n);

            assertThat(inserts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(inserts).allSatisfy(i -> assertThat(i.rows()).isBetween(1, RequestLogBatches.BATCH_SIZE));
            assertThat(inserts.stream().mapToInt(Insert::rows).sum()).isEqualTo(n);
            for (int i = 1; i < inserts.size(); i++) {
                assertThat(inserts.get(i).began() - inserts.get(i - 1).ended())
                        .as("pause before batch %d", i).isGreaterThanOrEqualTo(1_000_000L);
            }
        } finally {
            context.getManagementStrategy().removeEventNotifier(notifier);
        }
    }
}
