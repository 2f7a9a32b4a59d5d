package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GeminiBalanceTables;
import dev.caravan.support.Rows;
import dev.caravan.support.ScratchMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, carrying a deployment over (MariaDB, 127.0.0.1:3306, a scratch database): Flyway starts beside
 * gemini-balance's MySQL tables, t_settings is taken over once, an AUTH_TOKEN long enough becomes the admin token,
 * and gemini-balance's tables stay as they were.
 */
class TakesOverAGeminiBalanceMariaDbTest {

    private static final String ADMIN_FROM_THEIR_TABLE = "their-admin-token-of-some-length";
    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_carry_");
    private static final Map<String, String> ROWS = GeminiBalanceTables.settings(
            "API_KEYS", "key-a,key-ui-added-1",
            "ALLOWED_TOKENS", "[\"sk-token-from-the-ui-1\", \"sk-token-from-the-ui-2\"]",
            "AUTH_TOKEN", ADMIN_FROM_THEIR_TABLE,
            "MAX_RETRIES", "2",
            "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "true",
            "IMAGE_MODELS", "[\"gemini-2.0-flash-exp\", \"gemini-2.5-flash-image-preview\"]");
    private static final String BEFORE = prepare();

    @RegisterExtension
    static final Gateway gateway = MARIADB.configure(Gateway.withKeys("key-a", "key-old"));

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        gateway.stop();
        MARIADB.drop();
    }

    private static String prepare() {
        try (Connection c = MARIADB.rows().open()) {
            GeminiBalanceTables.create(c, GeminiBalanceTables.Flavour.MYSQL, ROWS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return GeminiBalanceTables.snapshot(MARIADB.rows());
    }

    @Test
    void startsBesideTheirTablesAndTakesTheirSettingsOnce() throws Exception {
        Rows.Db db = MARIADB.rows();
        assertThat(gateway.pool().keys()).extracting(ApiKey::secret).containsExactlyInAnyOrder("key-a", "key-ui-added-1");
        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(2);
        assertThat(gateway.caravan().configuration().settings().imageModels())
                .containsExactly("gemini-2.0-flash-exp", "gemini-2.5-flash-image-preview");
        var withUiToken = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("Authorization", "Bearer sk-token-from-the-ui-2").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));
        assertThat(withUiToken.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).hasSize(1).first().isIn("key-a", "key-ui-added-1");

        // their admin token is long enough: it opens the admin page, and the environment's no longer does
        AdminClient admin = new AdminClient(gateway);
        assertThat(admin.login(Gateway.ADMIN_TOKEN).statusCode()).isEqualTo(401);
        assertThat(admin.login(ADMIN_FROM_THEIR_TABLE).statusCode()).isEqualTo(200);
        JsonNode report = AdminClient.json(admin.get("/admin/api/carryover"));
        JsonNode summary = TakesOverAGeminiBalanceDatabaseTest.imported(report, "t_settings");
        assertThat(TakesOverAGeminiBalanceDatabaseTest.imported(report, "t_file_records").path("files").asInt()).isEqualTo(1);
        assertThat(TakesOverAGeminiBalanceDatabaseTest.texts(summary.path("settings")))
                .contains("AUTH_TOKEN", "ALLOWED_TOKENS", "MAX_RETRIES", "IMAGE_MODELS");
        assertThat(summary.toString()).doesNotContain(ADMIN_FROM_THEIR_TABLE, "sk-token-from-the-ui", "key-ui-added-1");

        // the carried-over file is its client's: another token is answered as if it did not exist, and no key is used
        int seen = gateway.stub().keysSeen().size();
        var otherClientsFile = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("Authorization", "Bearer sk-token-from-the-ui-2").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":"
                        + "\"https://generativelanguage.googleapis.com/v1beta/" + GeminiBalanceTables.LIVE_FILE + "\"}}]}]}")));
        assertThat(otherClientsFile.statusCode()).isEqualTo(404);
        assertThat(gateway.stub().keysSeen()).hasSize(seen);

        assertThat(GeminiBalanceTables.snapshot(db)).isEqualTo(BEFORE);
        assertThat(Rows.query(db, "SELECT COUNT(*) AS n FROM flyway_schema_history WHERE type = 'BASELINE'"))
                .first().satisfies(r -> assertThat(((Number) r.get("n")).intValue()).isEqualTo(1));

        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/" + MARIADB.name(), "root", "");
             var st = c.createStatement()) {
            st.execute("UPDATE t_settings SET value = '9' WHERE `key` = 'MAX_RETRIES'");
        }
        gateway.restart();
        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(2);
        assertThat(Rows.count(db, "carryover")).isEqualTo(2);
    }
}
