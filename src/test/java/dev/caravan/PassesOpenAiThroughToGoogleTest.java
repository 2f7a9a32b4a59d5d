package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /openai/v1/…} goes to Google's own OpenAI-compatible surface ({@code {BASE_URL}/openai/…}) for chat
 * completions, embeddings and models (what else passes: {@link KeepsSharedOpenAiObjectsOutOfThePassThroughTest}):
 * the client's body byte for byte, a pool key as {@code Authorization: Bearer} (never in x-goog-api-key), Google's
 * answer and stream unchanged, and the same failover as the native surface, with Google's errors there arriving as a
 * one-element array.
 */
class PassesOpenAiThroughToGoogleTest {

    private static final String KEY_A = "pass-pool-key-a";
    private static final String KEY_B = "pass-pool-key-b";
    private static final List<String> POOL = List.of(KEY_A, KEY_B);
    /** Unusual spacing and field order, and a field the gateway does not know: all must reach Google as is. */
    private static final String BODY = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"hi\"} ],"
            + "\"model\":\"gemini-2.5-flash\",  \"x_vendor_field\": {\"keep\": [1, 2.50, null]} }";
    private static final String COMPLETION = "{\"id\":\"chatcmpl-google\",\"object\":\"chat.completion\","
            + "\"created\":1700000000,\"model\":\"gemini-2.5-flash\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hello from Google\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B);

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void chatGoesToGooglesOpenAiSurfaceVerbatimWithAPoolKeyAsBearer() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, COMPLETION));

        HttpResponse<String> res = post("/openai/v1/chat/completions", BODY);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(COMPLETION);
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(up.bodyText()).isEqualTo(BODY);
    }

    @Test
    void modelsAndEmbeddingsPassThroughToo() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"object\":\"list\",\"data\":[]}"));

        HttpResponse<String> models = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/openai/v1/models")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).GET());

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
        StubGemini.Received listed = onlyUpstreamRequest();
        assertThat(listed.method()).isEqualTo("GET");
        assertThat(listed.path()).isEqualTo("/v1beta/openai/models");
        gateway.stub().reset();

        String embed = "{\"model\":\"text-embedding-004\",\"input\":[\"a\",\"b\"]}";
        HttpResponse<String> embeddings = post("/openai/v1/embeddings", embed);

        assertThat(embeddings.statusCode()).isEqualTo(200);
        StubGemini.Received embedded = onlyUpstreamRequest();
        assertThat(embedded.path()).isEqualTo("/v1beta/openai/embeddings");
        assertThat(embedded.bodyText()).isEqualTo(embed);
    }

    @Test
    void oneModelPassesThroughToo() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"id\":\"gemini-2.5-flash\",\"object\":\"model\"}"));

        HttpResponse<String> model = gateway.send(HttpRequest.newBuilder(
                URI.create(gateway.url("/openai/v1/models/gemini-2.5-flash")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).GET());

        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.body()).isEqualTo("{\"id\":\"gemini-2.5-flash\",\"object\":\"model\"}");
        StubGemini.Received retrieved = onlyUpstreamRequest();
        assertThat(retrieved.method()).isEqualTo("GET");
        assertThat(retrieved.path()).isEqualTo("/v1beta/openai/models/gemini-2.5-flash");
    }

    @Test
    void aPathThatWouldLeaveGooglesOpenAiSurfaceIsRefused() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                URI.create(gateway.url("/openai/v1/models/..%2F..%2Fmodels%2Fgemini-2.5-flash:generateContent")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).GET());

        assertThat(res.statusCode()).isIn(400, 404);
        assertOpenAiError(res, res.statusCode(), "invalid_request_error");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void streamIsRelayedAsGoogleSendsIt() throws Exception {
        List<String> chunks = List.of(
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n",
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n");
        // "Google" sends each chunk only once the client holds the one before
        StubGemini.Gate gate = new StubGemini.Gate();
        gateway.stub().answer(r -> new StubGemini.Gated("text/event-stream", chunks, gate));
        String body = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        Arrivals.Streamed res = Arrivals.post(gateway, "/openai/v1/chat/completions", body,
                Arrivals.openAsEachArrives(chunks, gate));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).startsWith("text/event-stream");
        assertThat(res.text()).isEqualTo(String.join("", chunks));
        List<Long> held = res.body().nanosWhenEachHeld(chunks);
        List<Long> sent = gateway.stub().sentAtNanos();
        assertThat(held.get(0)).isLessThan(sent.get(1));
        assertThat(held.get(1)).isLessThan(sent.get(2));
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(up.bodyText()).isEqualTo(body);
    }

    @Test
    void streamFailsOverToAnotherKeyBeforeTheFirstByte() throws Exception {
        List<String> chunks = List.of(
                "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n");
        gateway.stub().answer(r -> ("Bearer " + KEY_A).equals(r.header("authorization"))
                ? new StubGemini.Json(429, GoogleBodies.arrayEnvelope(GoogleBodies.quotaPerMinute("20s")))
                : new StubGemini.Sse("text/event-stream", chunks, Duration.ofMillis(10), false));
        String body = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        for (int i = 0; i < 2; i++) {
            Arrivals.Streamed res = Arrivals.post(gateway, "/openai/v1/chat/completions", body);
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.text()).isEqualTo(String.join("", chunks));
        }

        assertThat(gateway.stub().received()).extracting(r -> r.header("authorization"))
                .containsOnlyOnce("Bearer " + KEY_A)
                .filteredOn(("Bearer " + KEY_B)::equals).hasSize(2);
        assertThat(gateway.key(KEY_A).cooldowns()).containsKey("gemini-2.5-flash");
    }

    @Test
    void quotaErrorAsOneElementArrayCoolsTheKeyAndFailsOver() throws Exception {
        gateway.stub().answer(r -> ("Bearer " + KEY_A).equals(r.header("authorization"))
                ? new StubGemini.Json(429, GoogleBodies.arrayEnvelope(GoogleBodies.quotaPerMinute("20s")))
                : new StubGemini.Json(200, COMPLETION));

        List<String> bearers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> res = post("/openai/v1/chat/completions", BODY);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(COMPLETION);
        }
        gateway.stub().received().forEach(r -> bearers.add(r.header("authorization")));

        // key A was tried once, answered 429 and cooled; every answer came from key B
        assertThat(bearers).containsOnlyOnce("Bearer " + KEY_A);
        assertThat(bearers).filteredOn(b -> b.equals("Bearer " + KEY_B)).hasSize(2);
        assertThat(gateway.key(KEY_A).cooldowns()).containsKey("gemini-2.5-flash");
        assertThat(gateway.key(KEY_B).cooldowns()).isEmpty();
    }

    @Test
    void invalidKeyErrorAsOneElementArrayRetiresTheKeyAndFailsOver() throws Exception {
        gateway.stub().answer(r -> ("Bearer " + KEY_A).equals(r.header("authorization"))
                ? new StubGemini.Json(400, GoogleBodies.arrayEnvelope(GoogleBodies.keyInvalid()))
                : new StubGemini.Json(200, COMPLETION));

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> res = post("/openai/v1/chat/completions", BODY);
            assertThat(res.statusCode()).isEqualTo(200);
        }

        assertThat(gateway.key(KEY_A).state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key(KEY_B).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.stub().received()).extracting(r -> r.header("authorization"))
                .containsOnlyOnce("Bearer " + KEY_A);
    }

    @Test
    void clientErrorAsOneElementArrayReachesTheClientInOpenAiShape() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.arrayEnvelope(GoogleBodies.badRequest())));

        HttpResponse<String> res = post("/openai/v1/chat/completions", BODY);

        assertThat(assertOpenAiError(res, 400, "invalid_request_error").path("message").asText())
                .contains("contents is not specified");
        // the client's own mistake: no other key tried, no key blamed
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.pool().keys()).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(k.cooldowns()).isEmpty();
        });
    }

    /** The one request the gateway made: a pool key as Bearer, nothing in x-goog-api-key, no client header. */
    private static StubGemini.Received onlyUpstreamRequest() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.header("authorization")).isIn(POOL.stream().map(k -> "Bearer " + k).toList());
        assertThat(up.key()).isNull();
        assertThat(up.header("x-goog-api-key")).isNull();
        assertThat(up.query()).isNull();
        assertThat(up.headers().toString()).doesNotContain(Gateway.TOKEN);
        return up;
    }
}
