package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /vertex-express/v1beta, driven by Google's own SDK with its base URL on the gateway: the model's methods go to
 * VERTEX_EXPRESS_BASE_URL with a key of the Vertex pool in x-goog-api-key (never in the URL), with the same failover
 * and key health as the Gemini pool but on their own keys; the Gemini pool is never used for them, nor the Vertex
 * pool for the Gemini surface. A Vertex key never reaches the client, even when Google refuses every one.
 */
class ServesVertexExpressWithItsOwnPoolTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String VERTEX_PATH = "/v1beta1/publishers/google/models/" + MODEL;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("gemini-pool-key")
            .set("caravan.vertex-api-keys", "[\"AQ.vertex-key-a\", \"AQ.vertex-key-b\"]")
            .setFromStub("caravan.vertex-express-base-url",
                    s -> s.baseUrl().replaceFirst("/v1beta$", "/v1beta1/publishers/google"));

    private static Client sdk;

    @BeforeAll
    static void client() {
        sdk = Client.builder().apiKey(Gateway.TOKEN)
                .httpOptions(HttpOptions.builder().baseUrl(gateway.url("/vertex-express")).apiVersion("v1beta").build())
                .build();
    }

    @AfterAll
    static void close() {
        sdk.close();
    }

    @Test
    void generateContentGoesToVertexWithAVertexKeyInTheHeader() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("Hi from Vertex")));

        GenerateContentResponse res = sdk.models.generateContent(MODEL, "Say hi", null);

        assertThat(res.text()).isEqualTo("Hi from Vertex");
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(up.path()).isEqualTo(VERTEX_PATH + ":generateContent");
        assertThat(up.query()).isNull();
        assertThat(up.key()).isIn("AQ.vertex-key-a", "AQ.vertex-key-b");
        assertThat(up.headers().toString()).doesNotContain(Gateway.TOKEN).doesNotContain("gemini-pool-key");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("Say hi");
    }

    @Test
    void streamGenerateContentRelaysEveryEventFromVertex() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent("One"),
                GoogleBodies.sseEvent(" two")), Duration.ofMillis(5), false));

        List<String> texts = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = sdk.models.generateContentStream(MODEL, "Count", null)) {
            for (GenerateContentResponse chunk : stream) {
                texts.add(chunk.text());
            }
        }

        assertThat(texts).containsExactly("One", " two");
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.path()).isEqualTo(VERTEX_PATH + ":streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(up.key()).startsWith("AQ.vertex-key-");
    }

    @Test
    void quotaOnOneVertexKeyFailsOverToTheOtherAndCoolsOnlyThatKey() throws Exception {
        gateway.stub().answerFor("AQ.vertex-key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        gateway.stub().answerFor("AQ.vertex-key-b", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("fine")));
        // b answers from now on: whichever key the pool starts with, a cools and b serves
        gateway.stub().answerFor("AQ.vertex-key-b", r -> new StubGemini.Json(200, GoogleBodies.generateContent("from b")));

        for (int i = 0; i < 2; i++) {
            assertThat(sdk.models.generateContent(MODEL, "again " + i, null).text()).isEqualTo("from b");
        }

        assertThat(gateway.stub().keysSeen()).containsOnlyOnce("AQ.vertex-key-a").doesNotContain("gemini-pool-key");
        ApiKey a = vertexKey("AQ.vertex-key-a");
        assertThat(a.cooldowns().get(MODEL).untilMillis()).isGreaterThan(System.currentTimeMillis() + 20_000);
        assertThat(vertexKey("AQ.vertex-key-b").cooldowns()).isEmpty();
        assertThat(gateway.key("gemini-pool-key").cooldowns()).isEmpty();
    }

    @Test
    void invalidVertexKeysAreRetiredAndNeverShownToTheClient() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));

        var res = gateway.post("/vertex-express/v1beta/models/" + MODEL + ":generateContent", Gateway.prompt("hi"));

        // Google refused both keys: the gateway says so in Google's envelope, without a key
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).doesNotContain("AQ.").contains("UNAVAILABLE");
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("AQ.vertex-key-a", "AQ.vertex-key-b");
        assertThat(vertexKey("AQ.vertex-key-a").state()).isEqualTo(KeyState.INVALID);
        assertThat(vertexKey("AQ.vertex-key-b").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("gemini-pool-key").state()).isEqualTo(KeyState.ACTIVE);

        // and the next call finds no usable Vertex key, while the Gemini surface still serves
        var none = gateway.post("/vertex-express/v1beta/models/" + MODEL + ":generateContent", Gateway.prompt("hi"));
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).contains("vertex pool").doesNotContain("AQ.");
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("gemini")));
        assertThat(gateway.post("/v1beta/models/" + MODEL + ":generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);
        // the Vertex pool's health is a metric of its own
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.http().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.managementUrl("/observe/metrics"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .contains("caravan_vertex_keys{state=\"invalid\"} 2.0")
                .contains("caravan_requests_total{model=\"gemini-2.5-flash\",status=\"503\",surface=\"vertex\"}"));
    }

    @Test
    void vertexKeyStateIsSavedUnderTheVertexPoolsOwnFingerprint() throws Exception {
        gateway.stub().answerFor("AQ.vertex-key-a", r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        gateway.post("/vertex-express/v1beta/models/" + MODEL + ":generateContent", Gateway.prompt("a"));
        gateway.post("/vertex-express/v1beta/models/" + MODEL + ":generateContent", Gateway.prompt("b"));

        String fingerprint = vertexKey("AQ.vertex-key-a").fingerprint();
        // not the name the Gemini pool would give the same key
        assertThat(fingerprint).isNotEqualTo(gateway.fingerprint("AQ.vertex-key-a"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stateRow(fingerprint)).isEqualTo("INVALID"));
        // the request log names the surface and the Vertex key by that fingerprint
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logRows(fingerprint)).isPositive());
    }

    @Test
    void unsupportedMethodsAre404AndTheModelListComesFromTheGeminiApi() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        var embed = gateway.post("/vertex-express/v1beta/models/text-embedding-004:embedContent", "{}");
        var list = gateway.get("/vertex-express/v1beta/models");

        assertThat(embed.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(embed.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/v1beta/models");
            assertThat(r.key()).isEqualTo("gemini-pool-key");
        });
    }

    private static ApiKey vertexKey(String secret) {
        return gateway.vertexPool().keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }

    private static String stateRow(String fingerprint) throws Exception {
        try (Connection c = gateway.openDatabase(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state FROM key_state WHERE key_fingerprint = '" + fingerprint + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int logRows(String fingerprint) throws Exception {
        try (Connection c = gateway.openDatabase(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM request_log WHERE surface = 'vertex' AND attempts LIKE '%"
                     + fingerprint + "%'")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
