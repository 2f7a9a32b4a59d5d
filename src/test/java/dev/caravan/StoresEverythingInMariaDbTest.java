package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

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
 * Issue 5, the MySQL path against the real MariaDB at 127.0.0.1:3306 (root, no password): a scratch database with
 * a random name is created, the gateway runs on it with DATABASE_TYPE=mysql (Flyway creates the schema), and the
 * database is dropped at the end. The same routes write the request log, key state and settings as on SQLite.
 */
class StoresEverythingInMariaDbTest {

    // created before the gateway starts (static fields initialise in order)
    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_test_");

    @RegisterExtension
    static final Gateway gateway = MARIADB.configure(Gateway.withKeys("key-a", "key-b"));

    private final Rows.Db db = MARIADB.rows();

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        // the gateway first, so that its last rows and connections are gone before the database is
        gateway.stop();
        MARIADB.drop();
    }

    @Test
    void writesTheRequestLogKeyStateAndSettingsToMariaDb() throws Exception {
        gateway.stub().answerFor("key-a", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));

        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a")).statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b")).statusCode()).isEqualTo(200);
        assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("c")))).statusCode()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == 3);
        assertThat(Rows.query(db, "SELECT status, prompt_tokens FROM request_log WHERE status = 200"))
                .hasSize(2).allSatisfy(r -> assertThat(r).containsEntry("prompt_tokens", 4));
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "error_log") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "key_state") == 1);
        Map<String, Object> key = Rows.query(db, "SELECT * FROM key_state").get(0);
        assertThat(key).containsEntry("key_fingerprint", gateway.fingerprint("key-a")).containsEntry("state", "INVALID");

        var settings = gateway.caravan().configuration().settingsStore();
        settings.put("caravan.max-failures", "7");
        settings.put("caravan.max-failures", "8");
        assertThat(settings.get("caravan.max-failures")).contains("8");
        assertThat(settings.all()).containsEntry("caravan.max-failures", "8");
        assertThat(settings.delete("caravan.max-failures")).isTrue();

        assertThat(Rows.everything(db)).doesNotContain("key-a").doesNotContain("key-b").doesNotContain(Gateway.TOKEN);
    }

    @Test
    void restoresKeyStateFromMariaDbAfterARestart() throws Exception {
        gateway.stub().answerFor("key-b", r -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED")));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a"));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b"));
        assertThat(gateway.key("key-b").state()).isEqualTo(KeyState.SUSPENDED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Rows.query(db,
                "SELECT * FROM key_state WHERE key_fingerprint = ? AND state = 'SUSPENDED'", gateway.fingerprint("key-b")).isEmpty());

        gateway.restart();

        assertThat(gateway.key("key-b").state()).isEqualTo(KeyState.SUSPENDED);
        assertThat(gateway.key("key-b").evidence().reason()).isEqualTo("CONSUMER_SUSPENDED");
    }

}
