package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GeminiBalanceTables;
import dev.caravan.support.LogCapture;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, carrying a deployment over (SQLite): pointed at the database a gemini-balance deployment used, Caravan
 * starts beside its tables, takes over t_settings once as gemini-balance merges it with the environment (its table
 * wins: keys, client tokens, settings), leaves what it cannot use with a reason, reports it in the log and on the
 * admin page, never logs a key or a token, and leaves gemini-balance's tables as they were.
 */
class TakesOverAGeminiBalanceDatabaseTest {

    /** gemini-balance's table lists key-a and two keys added in its UI; key-old was deleted there. */
    static final Map<String, String> ROWS = GeminiBalanceTables.settings(
            "API_KEYS", "[\"key-a\", \"key-ui-added-1\", \"key-ui-added-2\"]",
            "ALLOWED_TOKENS", "[\"sk-token-from-the-ui-1\"]",
            "AUTH_TOKEN", "sk-123456",
            "MAX_RETRIES", "5",
            "MAX_FAILURES", "10",
            "TIME_OUT", "300",
            "TEST_MODEL", "gemini-2.5-flash-lite",
            "SEARCH_MODELS", "[\"gemini-2.5-flash\", \"gemini-2.5-pro\"]",
            "THINKING_BUDGET_MAP", "{'gemini-2.5-flash': 1024.0}",
            "FILTERED_MODELS", "[\"gemini-1.0-pro-vision-latest\", \"gemini-pro-vision\"]",
            "AUTO_DELETE_ERROR_LOGS_ENABLED", "true",
            "AUTO_DELETE_ERROR_LOGS_DAYS", "7",
            "MYSQL_HOST", "gemini-balance-mysql",
            "MYSQL_PASSWORD", "change_me",
            "SQLITE_DATABASE", "default_db",
            "GITHUB_REPO_OWNER", "snailyp",
            "VERTEX_API_KEYS", "[\"AQ.vertex-secret-000\"]");

    /** Every secret of the rows above: none may reach a log line. */
    static final List<String> SECRETS = List.of("key-ui-added-1", "key-ui-added-2", "key-old", "sk-token-from-the-ui-1",
            "sk-123456", "change_me", "AQ.vertex-secret-000");

    private static final LogCapture LOG = LogCapture.everything();
    private static String before;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-old").beforeStart(file -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            GeminiBalanceTables.create(c, GeminiBalanceTables.Flavour.SQLITE, ROWS);
        }
        before = GeminiBalanceTables.snapshot(() -> DriverManager.getConnection("jdbc:sqlite:" + file));
    });

    @AfterAll
    static void closeLog() {
        LOG.close();
    }

    @Test
    void takesOverKeysTokensAndSettingsOnceAndLeavesTheirTablesAlone() throws Exception {
        Rows.Db db = gateway::openDatabase;
        // the pool gemini-balance served: its table's keys, not the environment's deleted one
        assertThat(gateway.pool().keys()).extracting(ApiKey::secret)
                .containsExactlyInAnyOrder("key-a", "key-ui-added-1", "key-ui-added-2");
        var settings = gateway.caravan().configuration().settings();
        assertThat(settings.maxRetries()).isEqualTo(5);
        assertThat(settings.maxFailures()).isEqualTo(10);
        assertThat(settings.testModel()).isEqualTo("gemini-2.5-flash-lite");
        assertThat(settings.thinkingBudgetMap()).containsEntry("gemini-2.5-flash", 1024);
        assertThat(settings.filteredModels()).containsExactly("gemini-1.0-pro-vision-latest", "gemini-pro-vision");

        // the client tokens of gemini-balance's table replace the environment's, as there
        HttpResponse<String> withUiToken = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", "sk-token-from-the-ui-1").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));
        HttpResponse<String> withEnvironmentToken = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent",
                Gateway.prompt("hi"));
        assertThat(withUiToken.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).hasSize(1).first()
                .isIn("key-a", "key-ui-added-1", "key-ui-added-2");
        assertThat(withEnvironmentToken.statusCode()).isEqualTo(401);

        // AUTH_TOKEN of the table is too short for Caravan's admin token: the environment's stays, and the page says why
        JsonNode report = AdminClient.json(new AdminClient(gateway).login().get("/admin/api/carryover"));
        JsonNode summary = imported(report, "t_settings");
        assertThat(report.path("imports")).hasSize(2);
        // the live file of t_file_records; the expired one is left
        assertThat(imported(report, "t_file_records").path("files").asInt()).isEqualTo(1);
        assertThat(imported(report, "t_file_records").path("expired").asInt()).isEqualTo(1);
        assertThat(summary.path("keys").path("listed").asInt()).isEqualTo(3);
        assertThat(summary.path("keys").path("leftOut").asInt()).isEqualTo(1);
        assertThat(summary.path("allowedTokens").asInt()).isEqualTo(1);
        assertThat(texts(summary.path("settings"))).contains("ALLOWED_TOKENS", "MAX_RETRIES", "MAX_FAILURES",
                "THINKING_BUDGET_MAP", "FILTERED_MODELS");
        // gemini-2.5-flash-lite is Caravan's default TEST_MODEL too
        assertThat(texts(summary.path("sameAsEnvironment"))).contains("TIME_OUT", "SEARCH_MODELS", "TEST_MODEL",
                "AUTO_DELETE_ERROR_LOGS_ENABLED", "AUTO_DELETE_ERROR_LOGS_DAYS");
        assertThat(summary.path("refused").path("AUTH_TOKEN").asText()).contains("at least 16 characters");
        assertThat(texts(summary.path("readAtStartOnly"))).contains("MYSQL_HOST", "MYSQL_PASSWORD", "SQLITE_DATABASE");
        assertThat(texts(summary.path("notUsedByCaravan"))).contains("GITHUB_REPO_OWNER");
        assertThat(report.toString()).doesNotContain(SECRETS);

        assertThat(LOG.lines()).anyMatch(l -> l.contains("Took over gemini-balance's t_settings")
                && l.contains("MAX_RETRIES") && l.contains("AUTH_TOKEN (the admin token must have at least"));
        assertThat(String.join("\n", LOG.lines())).doesNotContain(SECRETS);
        assertThat(GeminiBalanceTables.snapshot(db)).isEqualTo(before);

        // once: a later change in gemini-balance's table is not taken over again
        try (Connection c = gateway.openDatabase(); var st = c.createStatement()) {
            st.execute("UPDATE t_settings SET value = '7' WHERE \"key\" = 'MAX_RETRIES'");
        }
        int linesBefore = LOG.lines().size();
        gateway.restart();
        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(5);
        assertThat(Rows.count(db, "carryover")).isEqualTo(2);
        assertThat(LOG.lines().subList(linesBefore, LOG.lines().size()))
                .noneMatch(l -> l.contains("Took over gemini-balance's"));
        assertThat(gateway.pool().keys()).extracting(ApiKey::secret)
                .containsExactlyInAnyOrder("key-a", "key-ui-added-1", "key-ui-added-2");
    }

    @Test
    void aCarriedOverFileStaysWithItsKeyAndItsClient() throws Exception {
        String uri = "https://generativelanguage.googleapis.com/v1beta/" + GeminiBalanceTables.LIVE_FILE;
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"summarise\"},{\"fileData\":{\"mimeType\":"
                + "\"application/pdf\",\"fileUri\":\"" + uri + "\"}}]}]}";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(
                            URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                    .header("x-goog-api-key", "sk-token-from-the-ui-1").header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).isEqualTo(200);
        }
        // every call went with the key whose project holds the file, never round-robin
        assertThat(gateway.stub().keysSeen()).hasSize(3).containsOnly("key-ui-added-1");
        // the imported row names fingerprints, never the key or the token
        assertThat(Rows.query(gateway::openDatabase, "SELECT * FROM file_records").toString())
                .contains(GeminiBalanceTables.LIVE_FILE).doesNotContain("key-ui-added-1", "sk-token-from-the-ui-1")
                .doesNotContain("files/gone-1");
    }

    static JsonNode imported(JsonNode report, String table) {
        for (JsonNode i : report.path("imports")) {
            if (table.equals(i.path("source").asText())) {
                return i.path("summary");
            }
        }
        throw new AssertionError("no import of " + table + " in " + report);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
