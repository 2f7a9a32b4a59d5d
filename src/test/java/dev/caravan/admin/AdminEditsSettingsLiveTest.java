package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, Settings view: values are validated with a message per field (nothing saved when one is wrong), saved to
 * the settings table and in force for the next request without a restart (MAX_RETRIES, MAX_FAILURES, ALLOWED_TOKENS,
 * the model lists); a reset brings back the environment's value; secrets are never read back.
 */
class AdminEditsSettingsLiveTest {

    private static final String NEW_CLIENT = "new-client-token-9999";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c", "key-d", "key-e")
            .set("caravan.max-retries", "2");

    @Test
    void wrongValuesGetAMessagePerFieldAndNothingIsSaved() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();

        HttpResponse<String> res = admin.put("/admin/api/settings", AdminClient.body("values", Map.of(
                "MAX_RETRIES", "0", "TIME_OUT", "soon", "THINKING_BUDGET_MAP", "[1]", "MAX_FAILURES", "5",
                "AUTH_TOKEN", "short", "PORT", "1")));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode fields = AdminClient.json(res).path("error").path("fields");
        assertThat(fields.path("MAX_RETRIES").asText()).isEqualTo("expected a whole number from 1 to 1000");
        assertThat(fields.path("TIME_OUT").asText()).isEqualTo("expected a whole number");
        assertThat(fields.path("THINKING_BUDGET_MAP").asText()).contains("JSON object");
        assertThat(fields.path("AUTH_TOKEN").asText()).contains("at least 16");
        assertThat(fields.path("PORT").asText()).contains("not a setting");
        assertThat(fields.has("MAX_FAILURES")).isFalse();
        assertThat(gateway.caravan().configuration().settingsStore().all()).isEmpty();
        assertThat(gateway.pool().maxFailures()).isEqualTo(3);
    }

    @Test
    void maxRetriesAppliesToTheNextRequestAndSurvivesARestart() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a"));
        assertThat(gateway.stub().received()).hasSize(2);

        HttpResponse<String> saved = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("MAX_RETRIES", 4)));
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b"));

        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(saved).path("saved").get(0).asText()).isEqualTo("MAX_RETRIES");
        assertThat(gateway.stub().received()).hasSize(4);
        assertThat(gateway.caravan().configuration().settingsStore().get("caravan.max-retries")).contains("4");
        JsonNode shown = field(admin, "MAX_RETRIES");
        assertThat(shown.path("value").asInt()).isEqualTo(4);
        assertThat(shown.path("saved").asBoolean()).isTrue();

        gateway.restart();
        assertThat(gateway.caravan().configuration().runtime().maxRetries()).isEqualTo(4);

        AdminClient again = new AdminClient(gateway).login();
        HttpResponse<String> reset = again.put("/admin/api/settings", AdminClient.body("reset", List.of("MAX_RETRIES")));
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(gateway.caravan().configuration().runtime().maxRetries()).isEqualTo(2);
        assertThat(gateway.caravan().configuration().settingsStore().get("caravan.max-retries")).isEmpty();
        assertThat(field(again, "MAX_RETRIES").path("saved").asBoolean()).isFalse();
    }

    @Test
    void maxFailuresAndModelListsApplyAtOnce() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();

        HttpResponse<String> res = admin.put("/admin/api/settings", AdminClient.body("values", Map.of(
                "MAX_FAILURES", "7", "FILTERED_MODELS", List.of("gemini-2.0-flash"),
                "THINKING_BUDGET_MAP", "{\"gemini-2.5-flash\": 1024}", "CHECK_INTERVAL_HOURS", 6,
                "AUTO_DELETE_REQUEST_LOGS_ENABLED", true)));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(gateway.pool().maxFailures()).isEqualTo(7);
        var now = gateway.caravan().configuration().runtime().current();
        assertThat(now.filteredModels()).containsExactly("gemini-2.0-flash");
        assertThat(now.thinkingBudgetMap()).containsEntry("gemini-2.5-flash", 1024);
        assertThat(now.checkIntervalHours()).isEqualTo(6);
        assertThat(now.autoDeleteRequestLogsEnabled()).isTrue();
        // the OpenAI surface hides the filtered model from the next listing
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));
        HttpResponse<String> models = gateway.get("/v1/models");
        assertThat(models.body()).doesNotContain("\"gemini-2.0-flash\"").contains("gemini-2.5-flash");
        // a chat without reasoning_effort gets the operator's budget
        gateway.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(gateway.stub().received().get(gateway.stub().received().size() - 1).bodyText())
                .contains("\"thinkingBudget\":1024");
        admin.put("/admin/api/settings", AdminClient.body("reset", List.of("MAX_FAILURES", "FILTERED_MODELS",
                "THINKING_BUDGET_MAP", "CHECK_INTERVAL_HOURS", "AUTO_DELETE_REQUEST_LOGS_ENABLED")));
        assertThat(gateway.pool().maxFailures()).isEqualTo(3);
    }

    @Test
    void clientTokensAreWriteOnlyAndApplyToTheNextRequest() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("a")).statusCode()).isEqualTo(200);

        HttpResponse<String> res = admin.put("/admin/api/settings", AdminClient.body("values",
                Map.of("ALLOWED_TOKENS", List.of(NEW_CLIENT))));
        HttpResponse<String> shown = admin.get("/admin/api/settings");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b")).statusCode()).isEqualTo(401);
        assertThat(gateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                gateway.url("/v1beta/models/gemini-2.5-flash:generateContent"))).header("x-goog-api-key", NEW_CLIENT)
                .header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Gateway.prompt("c")))).statusCode()).isEqualTo(200);
        assertThat(shown.body()).doesNotContain(NEW_CLIENT, Gateway.TOKEN, Gateway.ADMIN_TOKEN);
        JsonNode tokens = field(admin, "ALLOWED_TOKENS");
        assertThat(tokens.has("value")).isFalse();
        assertThat(tokens.path("fingerprints").get(0).asText()).isEqualTo(gateway.fingerprint(NEW_CLIENT));
        assertThat(field(admin, "AUTH_TOKEN").has("value")).isFalse();
        // an empty secret keeps what is set
        admin.put("/admin/api/settings", AdminClient.body("values", Map.of("ALLOWED_TOKENS", "", "MAX_RETRIES", 3)));
        assertThat(field(admin, "ALLOWED_TOKENS").path("fingerprints")).hasSize(1);

        admin.put("/admin/api/settings", AdminClient.body("reset", List.of("ALLOWED_TOKENS", "MAX_RETRIES")));
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("d")).statusCode()).isEqualTo(200);
    }

    @Test
    void aNewAdminTokenEndsOtherSessions() throws Exception {
        AdminClient mine = new AdminClient(gateway).login();
        AdminClient other = new AdminClient(gateway).login();
        String newToken = "a-brand-new-admin-token-123";

        HttpResponse<String> res = mine.put("/admin/api/settings", AdminClient.body("values", Map.of("AUTH_TOKEN", newToken)));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(mine.get("/admin/api/keys").statusCode()).isEqualTo(200);
        assertThat(other.get("/admin/api/keys").statusCode()).isEqualTo(401);
        assertThat(new AdminClient(gateway).login(Gateway.ADMIN_TOKEN).statusCode()).isEqualTo(401);
        assertThat(new AdminClient(gateway).login(newToken).statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain(newToken);

        mine.put("/admin/api/settings", AdminClient.body("reset", List.of("AUTH_TOKEN")));
        assertThat(new AdminClient(gateway).login(Gateway.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    private static JsonNode field(AdminClient admin, String name) throws Exception {
        for (JsonNode f : AdminClient.json(admin.get("/admin/api/settings")).path("fields")) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
