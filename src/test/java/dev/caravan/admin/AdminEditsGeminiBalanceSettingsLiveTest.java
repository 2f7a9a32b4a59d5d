package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, admin parity: the settings gemini-balance's page edits live are edited live here too: BASE_URL (the next
 * call goes to the new host), PROXIES (checked, shown without credentials), SAFETY_SETTINGS, CREATE_IMAGE_MODEL (the
 * next image call uses it), LOG_LEVEL (log4j's level changes), ADMIN_SESSION_EXPIRE (the next login's cookie). And the
 * proxy check tells which proxy reaches Google.
 */
class AdminEditsGeminiBalanceSettingsLiveTest {

    private static final StubGemini RELAY = start();
    private static final StubGemini PROXY = start();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    private static StubGemini start() {
        try {
            return new StubGemini();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopStubs() {
        RELAY.close();
        PROXY.close();
    }

    @Test
    void baseUrlImageModelLogLevelAndSessionLengthApplyAtOnce() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        RELAY.answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from the relay")));
        RELAY.reset();
        RELAY.answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from the relay")));

        var saved = admin.put("/admin/api/settings", AdminClient.body("values", Map.of(
                "BASE_URL", RELAY.baseUrl(),
                "CREATE_IMAGE_MODEL", "imagen-3.0-generate-002",
                "LOG_LEVEL", "warning",
                "ADMIN_SESSION_EXPIRE", 600,
                "SAFETY_SETTINGS", "[{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"OFF\"}]")));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        var res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        assertThat(res.body()).contains("from the relay");
        assertThat(RELAY.keysSeen()).containsExactly("key-a");
        assertThat(gateway.stub().received()).isEmpty();
        gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/generations")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a boat\"}")));
        assertThat(RELAY.received()).anyMatch(r -> r.path().contains("imagen-3.0-generate-002"));
        assertThat(LogManager.getLogger("dev.caravan").getLevel().name()).isEqualTo("WARN");
        AdminClient second = new AdminClient(gateway);
        assertThat(second.login(Gateway.ADMIN_TOKEN).headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=600");
        JsonNode fields = AdminClient.json(admin.get("/admin/api/settings")).path("fields");
        assertThat(field(fields, "SAFETY_SETTINGS").path("value").get(0).path("threshold").asText()).isEqualTo("OFF");
        assertThat(field(fields, "BASE_URL").path("saved").asBoolean()).isTrue();

        var back = admin.put("/admin/api/settings", AdminClient.body("reset",
                List.of("BASE_URL", "CREATE_IMAGE_MODEL", "LOG_LEVEL", "ADMIN_SESSION_EXPIRE", "SAFETY_SETTINGS")));
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactly("key-a");
        assertThat(LogManager.getLogger("dev.caravan").getLevel().name()).isEqualTo("INFO");
    }

    @Test
    void proxiesAreCheckedShownWithoutCredentialsAndTestedForTheWayToGoogle() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String proxy = "http://someone:proxy-password-1@" + URI.create(PROXY.baseUrl()).getAuthority();
        PROXY.answer(r -> new StubGemini.Json(403, GoogleBodies.forbidden("API_KEY_SERVICE_BLOCKED")));

        var wrong = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("PROXIES", List.of("ftp://x:1"))));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(AdminClient.json(wrong).toString()).contains("PROXIES");
        var check = admin.post("/admin/api/proxies/check", AdminClient.body("proxies", List.of(proxy, "http://127.0.0.1:1")));
        var saved = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("PROXIES", List.of(proxy))));
        JsonNode shown = field(AdminClient.json(admin.get("/admin/api/settings")).path("fields"), "PROXIES");
        var checkInForce = admin.post("/admin/api/proxies/check", "");
        admin.put("/admin/api/settings", AdminClient.body("reset", List.of("PROXIES")));

        JsonNode results = AdminClient.json(check).path("results");
        assertThat(results.get(0).path("reachable").asBoolean()).isTrue();
        assertThat(results.get(0).path("status").asInt()).isEqualTo(403);
        assertThat(results.get(1).path("reachable").asBoolean()).isFalse();
        assertThat(check.body()).doesNotContain("proxy-password-1");
        // no key travelled to the proxy's Google
        assertThat(PROXY.received()).allMatch(r -> r.key() == null);
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(shown.path("masked").get(0).asText()).isEqualTo("http://" + URI.create(PROXY.baseUrl()).getAuthority());
        assertThat(shown.toString()).doesNotContain("proxy-password-1");
        assertThat(AdminClient.json(checkInForce).path("results")).hasSize(1);
        assertThat(AdminClient.json(checkInForce).path("results").get(0).path("reachable").asBoolean()).isTrue();
    }

    private static JsonNode field(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
