package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API shows the Vertex AI Express pool beside the Gemini pool: its own table (state, evidence, cool-downs)
 * and the actions on a key's health, reaching the running Vertex pool at once; the Gemini pool's view never lists a
 * Vertex key nor the other way round. Keys come from VERTEX_API_KEYS alone, so adding or deleting is refused. No
 * answer holds a key.
 */
class AdminShowsTheVertexPoolTest {

    private static final String VERTEX_A = "AQ.vertex-admin-key-000a";
    private static final String VERTEX_B = "AQ.vertex-admin-key-000b";
    private static final String GEMINI = "gemini-admin-pool-key-0001";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(GEMINI)
            .set("caravan.vertex-api-keys", VERTEX_A + "," + VERTEX_B)
            .setFromStub("caravan.vertex-express-base-url",
                    s -> s.baseUrl().replaceFirst("/v1beta$", "/v1beta1/publishers/google"));

    private final List<String> answers = new ArrayList<>();

    @Test
    void listsTheVertexPoolWithItsHealthApartFromTheGeminiPool() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answerFor(VERTEX_A, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        JsonNode vertex = list(admin, "/admin/api/vertex-keys");
        JsonNode invalid = list(admin, "/admin/api/vertex-keys?state=invalid");
        JsonNode gemini = list(admin, "/admin/api/keys");

        assertThat(vertex.path("poolSize").asInt()).isEqualTo(2);
        assertThat(fingerprints(vertex)).containsExactly(vertexKey(VERTEX_A).fingerprint(), vertexKey(VERTEX_B).fingerprint());
        JsonNode a = invalid.path("keys").get(0);
        assertThat(invalid.path("total").asInt()).isEqualTo(1);
        assertThat(a.path("fingerprint").asText()).isEqualTo(vertexKey(VERTEX_A).fingerprint());
        assertThat(a.path("evidence").path("reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(a.path("mask").asText()).isEqualTo("AQ.v…000a");
        assertThat(fingerprints(gemini)).containsExactly(gateway.key(GEMINI).fingerprint());
        assertThat(answers).allSatisfy(body -> assertThat(body).doesNotContain(VERTEX_A, VERTEX_B, GEMINI));
    }

    @Test
    void resetDisableAndEnableReachTheRunningVertexPool() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String fpA = vertexKey(VERTEX_A).fingerprint();

        HttpResponse<String> disabled = admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "disable", "fingerprints", List.of(fpA)));
        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat(vertexKey(VERTEX_A).manuallyDisabled()).isTrue();
        for (int i = 0; i < 3; i++) {
            gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x" + i));
        }
        assertThat(gateway.stub().keysSeen()).containsOnly(VERTEX_B);

        HttpResponse<String> enabled = admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "enable", "fingerprints", List.of(fpA)));
        assertThat(AdminClient.json(enabled).path("done")).extracting(JsonNode::asText).containsExactly(fpA);
        assertThat(vertexKey(VERTEX_A).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(vertexKey(VERTEX_A).manuallyDisabled()).isFalse();

        gateway.vertexPool().record(vertexKey(VERTEX_B), null,
                new dev.caravan.keys.Verdict(dev.caravan.keys.Verdict.Kind.KEY_INVALID, 0,
                        new dev.caravan.keys.Evidence(400, "API_KEY_INVALID", null, 1L)));
        admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "reset", "fingerprints", List.of(vertexKey(VERTEX_B).fingerprint())));
        assertThat(vertexKey(VERTEX_B).state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void vertexKeysAreNeitherDeletedNorVerifiedHereNorFoundThroughTheGeminiView() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String fpA = vertexKey(VERTEX_A).fingerprint();

        HttpResponse<String> delete = admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "delete", "fingerprints", List.of(fpA)));
        HttpResponse<String> throughGemini = admin.post("/admin/api/keys/actions",
                AdminClient.body("action", "disable", "fingerprints", List.of(fpA)));
        HttpResponse<String> add = admin.post("/admin/api/vertex-keys", AdminClient.body("text", "AQ.another"));

        assertThat(delete.statusCode()).isEqualTo(400);
        assertThat(delete.body()).contains("disable, enable, reset");
        assertThat(AdminClient.json(throughGemini).path("unknown")).hasSize(1);
        assertThat(vertexKey(VERTEX_A).manuallyDisabled()).isFalse();
        assertThat(gateway.vertexPool().size()).isEqualTo(2);
        assertThat(add.statusCode()).isEqualTo(405);
    }

    private JsonNode list(AdminClient admin, String path) throws Exception {
        HttpResponse<String> res = admin.get(path);
        assertThat(res.statusCode()).isEqualTo(200);
        answers.add(res.body());
        return AdminClient.json(res);
    }

    private static List<String> fingerprints(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("keys").forEach(k -> out.add(k.path("fingerprint").asText()));
        return out;
    }

    private static ApiKey vertexKey(String secret) {
        return gateway.vertexPool().keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }
}
