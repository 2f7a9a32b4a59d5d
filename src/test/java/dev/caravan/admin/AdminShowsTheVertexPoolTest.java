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
 * and the actions on a key's health, reaching the running Vertex pool at once (Verify asks Vertex itself, with the
 * re-check's countTokens call); the dashboard counts both pools by state; the Gemini pool's view never lists a Vertex
 * key nor the other way round. Keys come from VERTEX_API_KEYS alone, so adding or deleting is refused. No answer
 * holds a key.
 */
class AdminShowsTheVertexPoolTest {

    private static final String VERTEX_A = "AQ.vertex-admin-key-000a";
    private static final String VERTEX_B = "AQ.vertex-admin-key-000b";
    private static final String GEMINI = "gemini-admin-pool-key-0001";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(GEMINI)
            .set("caravan.test-model", "gemini-2.0-flash")
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
    void vertexKeysAreNeitherDeletedHereNorFoundThroughTheGeminiView() throws Exception {
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

    @Test
    void verifyAsksVertexAboutEachKeyWithTheKeyInAHeader() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answerFor(VERTEX_A, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        assertThat(vertexKey(VERTEX_A).state()).isEqualTo(KeyState.INVALID);
        gateway.stub().reset();
        // A works again; B is now refused
        gateway.stub().answerFor(VERTEX_B, r -> new StubGemini.Json(403, GoogleBodies.forbidden("CONSUMER_SUSPENDED")));
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"totalTokens\":1}"));
        String fpA = vertexKey(VERTEX_A).fingerprint();
        String fpB = vertexKey(VERTEX_B).fingerprint();

        HttpResponse<String> res = admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "verify", "fingerprints", List.of(fpA, fpB)));

        assertThat(res.statusCode()).isEqualTo(200);
        answers.add(res.body());
        java.util.Map<String, String> outcome = new java.util.HashMap<>();
        AdminClient.json(res).path("results").forEach(r -> outcome.put(r.path("fingerprint").asText(), r.path("outcome").asText()));
        assertThat(outcome).containsEntry(fpA, "valid; back in rotation");
        assertThat(outcome.get(fpB)).startsWith("refused by Google");
        assertThat(vertexKey(VERTEX_A).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(vertexKey(VERTEX_B).state()).isEqualTo(KeyState.SUSPENDED);
        // Vertex's countTokens, one per key, the key in x-goog-api-key only; no Gemini key, no Gemini endpoint
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::key).containsExactlyInAnyOrder(VERTEX_A, VERTEX_B);
        assertThat(gateway.stub().received()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/v1beta1/publishers/google/models/gemini-2.0-flash:countTokens");
            assertThat(r.query()).isNullOrEmpty();
        });
        assertThat(gateway.key(GEMINI).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(answers).allSatisfy(body -> assertThat(body).doesNotContain(VERTEX_A, VERTEX_B, GEMINI));
    }

    @Test
    void theDashboardCountsBothPoolsByState() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answerFor(VERTEX_A, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        gateway.post("/vertex-express/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        admin.post("/admin/api/vertex-keys/actions",
                AdminClient.body("action", "disable", "fingerprints", List.of(vertexKey(VERTEX_B).fingerprint())));

        JsonNode d = list(admin, "/admin/api/dashboard");

        assertThat(d.path("keys").path("total").asInt()).isEqualTo(1);
        assertThat(d.path("keys").path("active").asInt()).isEqualTo(1);
        JsonNode v = d.path("vertexKeys");
        assertThat(v.path("total").asInt()).isEqualTo(2);
        assertThat(v.path("active").asInt()).isZero();
        assertThat(v.path("invalid").asInt()).isEqualTo(1);
        assertThat(v.path("operatorDisabled").asInt()).isEqualTo(1);
        assertThat(answers).allSatisfy(body -> assertThat(body).doesNotContain(VERTEX_A, VERTEX_B, GEMINI));
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
