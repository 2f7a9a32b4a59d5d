package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.ScratchMariaDb;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6 on MySQL/MariaDB (127.0.0.1:3306, root without a password, a scratch database): the dashboard's grouped
 * queries, the log filters and the api_keys table work there as on SQLite.
 */
class AdminWorksOnMariaDbTest {

    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_admin_");
    private static final String ADDED = "AIza" + "SyC1234567890abcdefghijklmnopqrstuv";

    @RegisterExtension
    static final Gateway gateway = MARIADB.configure(Gateway.withKeys("key-a", "key-b"));

    private final Rows.Db db = MARIADB.rows();

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        gateway.stop();
        MARIADB.drop();
    }

    @Test
    void dashboardLogsAndAddedKeysWorkOnMariaDb() throws Exception {
        gateway.stub().answerFor("key-a", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a"));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == 2);
        AdminClient admin = new AdminClient(gateway).login();

        JsonNode dash = AdminClient.json(admin.get("/admin/api/dashboard"));
        JsonNode streamed = AdminClient.json(admin.get("/admin/api/logs/requests?status=2xx&model=gemini-2.5-flash"));
        JsonNode byKey = AdminClient.json(admin.get("/admin/api/logs/requests?key=" + gateway.key("key-a").fingerprint()));
        String id = streamed.path("rows").get(0).path("request_id").asText();
        JsonNode detail = AdminClient.json(admin.get("/admin/api/logs/requests/" + id));
        admin.post("/admin/api/keys", AdminClient.body("text", "the new key: " + ADDED));
        admin.post("/admin/api/keys/actions", AdminClient.body("action", "delete", "fingerprints",
                List.of(gateway.key("key-b").fingerprint())));

        assertThat(dash.path("hour").path("total").asLong()).isEqualTo(2);
        assertThat(dash.path("day").path("tokens").asLong()).isEqualTo(10);
        assertThat(dash.path("day").path("successRate").asDouble()).isEqualTo(1.0);
        assertThat(streamed.path("rows")).hasSize(2);
        assertThat(streamed.path("rows").get(0).path("streamed").asBoolean()).isFalse();
        assertThat(byKey.path("rows")).hasSize(1);
        assertThat(detail.path("request").path("attempts")).isNotEmpty();

        gateway.restart();
        assertThat(gateway.pool().keys()).extracting(ApiKey::secret).containsExactly("key-a", ADDED);
    }

}
