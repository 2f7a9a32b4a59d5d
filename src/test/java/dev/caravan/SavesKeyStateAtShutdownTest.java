package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix, nothing lost at a normal shutdown: a key's state that changed just before the stop, while
 * the database was busy and could not take it yet, is written before the process ends, as the request log's queued
 * rows are (DrainsTheRequestLogAtShutdownTest); after a restart the key is still out of rotation.
 */
class SavesKeyStateAtShutdownTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void aKeyDeclaredInvalidJustBeforeTheStopIsStillInvalidAfterTheRestart() throws Exception {
        Rows.Db db = gateway::openDatabase;
        // the installation's fingerprint of the key, read while the gateway runs
        String keyA = gateway.fingerprint("key-a");
        gateway.stub().answerFor("key-a", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        CompletableFuture<Void> stopped;
        try (Connection lock = gateway.openDatabase(); Statement st = lock.createStatement()) {
            // someone else holds the database's write lock: the key's new state cannot be saved yet
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES ('test.lock', 'x', 0)");
            for (int i = 0; i < 2; i++) {
                assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("p" + i))
                        .statusCode()).isEqualTo(200);
            }
            assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.INVALID);
            var context = gateway.caravan().context();
            stopped = CompletableFuture.runAsync(() -> {
                try {
                    gateway.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getStatus() == ServiceStatus.Stopping
                    || context.getStatus() == ServiceStatus.Stopped);
            assertThat(Rows.count(db, "key_state")).as("nothing saved when the stop began").isZero();
            st.execute("ROLLBACK");
        }
        stopped.get(60, TimeUnit.SECONDS);

        assertThat(Rows.query(db, "SELECT state FROM key_state WHERE key_fingerprint = ?", keyA))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("state", "INVALID"));
        gateway.restart();
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("after")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).last().isEqualTo("key-b");
    }
}
