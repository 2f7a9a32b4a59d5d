package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.ScratchMariaDb;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix: the database goes away while Caravan runs (MariaDB at 127.0.0.1:3306; the gateway's own
 * user of a scratch database is locked out and its connections killed, so only this gateway loses its database).
 * Requests keep flowing at their usual speed; their request-log rows and the key state they change wait in memory
 * (within the request log's bounded queue) and are written once the database is back, without another request to
 * prompt them; none is dropped.
 */
class KeepsServingWhileTheDatabaseIsDownTest {

    // created before the gateway starts (static fields initialise in order)
    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_fault_").withOwnUser();

    @RegisterExtension
    static final Gateway gateway = MARIADB.configure(Gateway.withKeys("key-a", "key-b"));

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private final Rows.Db db = MARIADB.rows();

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        gateway.stop();
        MARIADB.drop();
    }

    @Test
    void requestsFlowWhileTheDatabaseIsGoneAndWhatTheyChangedIsWrittenWhenItReturns() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post(FLASH, Gateway.prompt("before " + i)).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Rows.count(db, "request_log") == 3);
        assertThat(Rows.count(db, "key_state")).isZero();

        int n = 40;
        long slowest = 0;
        MARIADB.lockOut();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> MARIADB.connectionsOfItsUser() == 0);
            // Google declares key-a invalid while the database is away: a change of key state that must be saved
            gateway.stub().answerFor("key-a", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("during " + i));
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
                assertThat(res.statusCode()).isEqualTo(200);
            }
            assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.INVALID);
            System.out.printf("KeepsServingWhileTheDatabaseIsDownTest: slowest of %d requests without a database: %d ms%n",
                    n, slowest);
            // far below the 30 s a request would wait for a pooled connection if it needed one
            assertThat(slowest).isLessThan(2_500);
            // a while without the database: nothing can be written, and nothing is thrown away
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> Rows.count(db, "request_log") == 3 && Rows.count(db, "key_state") == 0);
            assertThat(gateway.caravan().configuration().requestLog().droppedRows()).isZero();
        } finally {
            MARIADB.letIn();
        }

        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).until(() -> Rows.count(db, "request_log") == 3 + n);
        System.out.printf("KeepsServingWhileTheDatabaseIsDownTest: the %d rows were written %d ms after the database returned%n",
                n, (System.nanoTime() - back) / 1_000_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> !Rows.query(db,
                "SELECT * FROM key_state WHERE key_fingerprint = ? AND state = 'INVALID'", gateway.fingerprint("key-a")).isEmpty());
        assertThat(gateway.caravan().configuration().requestLog().droppedRows()).isZero();
        assertThat(Rows.everything(db)).doesNotContain("key-a").doesNotContain("key-b").doesNotContain(Gateway.TOKEN);
    }
}
