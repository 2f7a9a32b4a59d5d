package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.ops.LogLevels;
import dev.caravan.storage.RetentionSchedule;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Settings view edits LOG_LEVEL, TIMEZONE and URL_NORMALIZATION_ENABLED while Caravan runs, as gemini-balance's
 * does: each is validated with its own message, in force for the next request, and a reset brings the environment's
 * value back.
 */
class AdminEditsTimezoneLogLevelAndNormalizationLiveTest {

    private static final String MESSY = "/v1/models/gemini-2.5-flash/generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("live-key-a").set("caravan.timezone", "UTC");

    @AfterAll
    static void backToInfo() {
        LogLevels.apply("INFO");
    }

    private static JsonNode field(AdminClient admin, String name) throws Exception {
        for (JsonNode f : AdminClient.json(admin.get("/admin/api/settings")).path("fields")) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError(name + " is not in the settings view");
    }

    @Test
    void wrongValuesGetTheirOwnMessages() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();

        HttpResponse<String> res = admin.put("/admin/api/settings", AdminClient.body("values", Map.of(
                "LOG_LEVEL", "loud", "TIMEZONE", "Mars/Olympus_Mons", "URL_NORMALIZATION_ENABLED", "maybe")));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode fields = AdminClient.json(res).path("error").path("fields");
        assertThat(fields.path("LOG_LEVEL").asText()).contains("debug, info, warning, error or critical");
        assertThat(fields.path("TIMEZONE").asText()).contains("time zone id");
        assertThat(fields.path("URL_NORMALIZATION_ENABLED").asText()).contains("true or false");
        assertThat(gateway.caravan().configuration().settingsStore().all()).isEmpty();
    }

    @Test
    void savedValuesAreInForceAtOnceAndAResetBringsBackTheEnvironments() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("live")));
        assertThat(gateway.post(MESSY, Gateway.prompt("before")).statusCode()).isEqualTo(404);
        assertThat(field(admin, "LOG_LEVEL").path("value").asText()).isEqualTo("info");
        assertThat(field(admin, "TIMEZONE").path("value").asText()).isEqualTo("UTC");

        HttpResponse<String> saved = admin.put("/admin/api/settings", AdminClient.body("values", Map.of(
                "LOG_LEVEL", "warning", "TIMEZONE", "Asia/Shanghai", "URL_NORMALIZATION_ENABLED", true)));

        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(LogManager.getLogger("dev.caravan.keys.KeyRoundRobin").isEnabled(Level.INFO)).isFalse();
        assertThat(LogManager.getLogger("dev.caravan.keys.KeyRoundRobin").isEnabled(Level.WARN)).isTrue();
        assertThat(field(admin, "LOG_LEVEL").path("value").asText()).isEqualTo("warning");
        assertThat(AdminClient.json(admin.get("/admin/api/session")).path("timezone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(gateway.caravan().context().getRegistry().lookupByNameAndType("retentionSchedule", RetentionSchedule.class)
                .zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        HttpResponse<String> messy = gateway.post(MESSY, Gateway.prompt("after"));
        assertThat(messy.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");

        HttpResponse<String> reset = admin.put("/admin/api/settings", AdminClient.body("reset",
                List.of("LOG_LEVEL", "TIMEZONE", "URL_NORMALIZATION_ENABLED")));

        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(LogManager.getLogger("dev.caravan.keys.KeyRoundRobin").isEnabled(Level.INFO)).isTrue();
        assertThat(AdminClient.json(admin.get("/admin/api/session")).path("timezone").asText()).isEqualTo("UTC");
        assertThat(gateway.post(MESSY, Gateway.prompt("reset")).statusCode()).isEqualTo(404);
        assertThat(gateway.stub().received()).hasSize(1);
    }
}
