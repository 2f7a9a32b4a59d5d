package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TranslatesOpenAiChatThroughTheGatewayTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("oa-key-a", "oa-key-b");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> chat(String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void answersAChatCompletionFromGeminiAndSendsGeminiTheTranslatedRequest() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("bonjour")));

        HttpResponse<String> res = chat("""
                {"model":"gemini-2.5-flash","messages":[{"role":"system","content":"be brief"},
                {"role":"user","content":"hello"}],"temperature":0.5}""");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode out = JSON.readTree(res.body());
        assertThat(out.path("object").asText()).isEqualTo("chat.completion");
        assertThat(out.path("choices").path(0).path("message").path("content").asText()).isEqualTo("bonjour");
        assertThat(out.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(got.key()).isIn("oa-key-a", "oa-key-b");
        JsonNode sent = JSON.readTree(got.body());
        assertThat(sent.path("systemInstruction").path("parts").path(0).path("text").asText()).isEqualTo("be brief");
        assertThat(sent.path("contents").path(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("generationConfig").has("topK")).isFalse();
    }

    @Test
    void streamsChunksAndEndsWithDone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("one"), GoogleBodies.sseEvent("two")), Duration.ofMillis(20), false));

        HttpResponse<String> res = chat("""
                {"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"count"}]}""");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(res.body()).contains("\"content\":\"one\"").contains("\"content\":\"two\"").endsWith("data: [DONE]\n\n");
        assertThat(gateway.stub().received().get(0).query()).isEqualTo("alt=sse");
        assertThat(gateway.stub().received().get(0).path()).endsWith(":streamGenerateContent");
    }

    @Test
    void answersGoogleErrorsInOpenAiShape() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));

        HttpResponse<String> res = chat("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"x"}]}""");

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode err = JSON.readTree(res.body()).path("error");
        assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(err.path("message").asText()).contains("contents is not specified");
    }

    @Test
    void refusesAWrongTokenInOpenAiShape() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer nope").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(res.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
