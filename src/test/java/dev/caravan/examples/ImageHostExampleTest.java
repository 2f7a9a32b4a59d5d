package dev.caravan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Change the flow", third example: examples/image-host.camel.yaml uploads every generated image to an image
 * host (here the stub, on loopback) and the client gets the host's link instead of inline bytes, in chat completions
 * and in /v1/images/generations.
 */
class ImageHostExampleTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    private static final String IMAGE_ANSWER = """
            {"candidates": [{"content": {"role": "model", "parts": [
               {"text": "Here it is."},
               {"inlineData": {"mimeType": "image/png", "data": "%s"}}]},
             "finishReason": "STOP", "index": 0}]}
            """.formatted(Base64.getEncoder().encodeToString(PNG));

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a")
            .customRoute(java.nio.file.Path.of("examples/image-host.camel.yaml"))
            // the image host is the stub too (loopback): its upload address is known once the stub runs
            .setFromStub("image-host.upload-url", stub -> stub.baseUrl().replace("/v1beta", "") + "/upload");

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void imageHostOnTheStub() {
        gateway.stub().answer(r -> r.path().equals("/upload")
                ? new StubGemini.Json(200, "{\"url\": \"https://images.example.org/i/" + r.body().length + ".png\"}")
                : new StubGemini.Json(200, IMAGE_ANSWER));
    }

    @Test
    void chatCompletionAnswersTheHostedLink() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash-image\",\"messages\":[{\"role\":\"user\",\"content\":\"draw\"}]}")));

        assertThat(res.statusCode()).isEqualTo(200);
        String content = JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText();
        assertThat(content).contains("Here it is.").contains("![image](https://images.example.org/i/11.png)")
                .doesNotContain("base64");
        List<StubGemini.Received> uploads = gateway.stub().received().stream().filter(r -> r.path().equals("/upload")).toList();
        assertThat(uploads).hasSize(1);
        assertThat(uploads.get(0).body()).isEqualTo(PNG);
        assertThat(uploads.get(0).header("content-type")).isEqualTo("image/png");
        // no key travels to the image host
        assertThat(uploads.get(0).key()).isNull();
        assertThat(uploads.get(0).headers().values().stream().flatMap(List::stream)).noneMatch(v -> v.contains("image-key-a"));
    }

    @Test
    void imageGenerationAnswersTheHostedLinks() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/generations")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"a caravan\",\"n\":2}")));

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(res.body()).path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("url").asText()).isEqualTo("https://images.example.org/i/11.png");
        assertThat(data.get(0).has("b64_json")).isFalse();
        assertThat(gateway.stub().received().stream().filter(r -> r.path().equals("/upload"))).hasSize(2);
    }
}
