package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.IMAGE_ANSWER;
import static dev.caravan.support.GeneratedImageAnswers.PNG;
import static dev.caravan.support.GeneratedImageAnswers.PNG_BASE64;
import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImagesResponse;
import dev.caravan.support.Gateway;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/images/edits} (and {@code /hf/v1/images/edits}): the multipart form OpenAI's SDK sends becomes
 * generateContent calls to the Gemini image model, the input images as inlineData parts after the prompt, with
 * PAID_KEY, one call per image asked for, UPLOAD_PROVIDER's links for response_format url, a request-log row, and
 * OpenAI's error shape for what cannot be served (413 for a form over MAX_BODY_SIZE).
 */
class EditsImagesWithGeminiImageModelsTest {

    private static final String PAID = "test-paid-keyForEdits-3";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, 4};
    private static final byte[] MASK = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 9, 9};
    private static final StubGemini SMMS = StubGemini.started();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a")
            .set("caravan.paid-key", PAID)
            .set("caravan.create-image-model", "gemini-3.1-flash-image")
            .set("caravan.max-body-bytes", "262144")
            .set("caravan.upload-provider", "smms")
            .set("caravan.smms-secret-token", "smms-token-2")
            .set("caravan.smms-api-url", SMMS.baseUrl().replace("/v1beta", "") + "/api/v2/upload");

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @AfterAll
    static void stopHost() {
        SMMS.close();
    }

    @BeforeEach
    void googleDrawsAndTheHostTakesImages() {
        SMMS.reset();
        SMMS.answer(r -> new StubGemini.Json(200,
                "{\"success\": true, \"code\": \"success\", \"data\": {\"url\": \"https://s2.loli.net/2026/e1.png\"}}"));
        gateway.stub().answer(r -> new StubGemini.Json(200, IMAGE_ANSWER));
    }

    @Test
    void openAiSdkEditsOneImageWithTheImageModelAndThePaidKey() throws Exception {
        ImagesResponse res = sdk.client().images().edit(ImageEditParams.builder()
                .image(new ByteArrayInputStream(JPEG))
                .prompt("make the sky purple")
                .responseFormat(ImageEditParams.ResponseFormat.B64_JSON)
                .build());

        assertThat(res.data().orElseThrow()).extracting(i -> i.b64Json().orElseThrow()).containsExactly(PNG_BASE64);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent");
        assertThat(seen.get(0).key()).isEqualTo(PAID);
        JsonNode parts = JSON.readTree(seen.get(0).body()).at("/contents/0/parts");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).path("text").asText()).isEqualTo("make the sky purple");
        assertThat(parts.get(1).at("/inlineData/mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(parts.get(1).at("/inlineData/data").asText()).isEqualTo(Base64.getEncoder().encodeToString(JPEG));
        JsonNode config = JSON.readTree(seen.get(0).body()).path("generationConfig");
        assertThat(config.path("responseModalities").toString()).isEqualTo("[\"TEXT\",\"IMAGE\"]");
        // no size: the model keeps the input's shape
        assertThat(config.has("imageConfig")).isFalse();
        assertThat(SMMS.received()).isEmpty();
    }

    @Test
    void openAiSdkSendsSeveralImagesAndAMask() throws Exception {
        ImagesResponse res = sdk.client().images().edit(ImageEditParams.builder()
                .image(ImageEditParams.Image.ofInputStreams(List.of(
                        new ByteArrayInputStream(PNG), new ByteArrayInputStream(JPEG))))
                .mask(MASK)
                .prompt("put the cat from the second picture on the sofa")
                .n(2)
                .size(ImageEditParams.Size._1536X1024)
                .build());

        assertThat(res.data().orElseThrow()).hasSize(2);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(2);
        for (StubGemini.Received call : seen) {
            assertThat(call.key()).isEqualTo(PAID);
            JsonNode body = JSON.readTree(call.body());
            JsonNode parts = body.at("/contents/0/parts");
            assertThat(parts).hasSize(5);
            assertThat(parts.get(0).path("text").asText()).isEqualTo("put the cat from the second picture on the sofa");
            assertThat(parts.get(1).at("/inlineData/data").asText()).isEqualTo(PNG_BASE64);
            assertThat(parts.get(2).at("/inlineData/mimeType").asText()).isEqualTo("image/jpeg");
            assertThat(parts.get(3).path("text").asText()).contains("mask");
            assertThat(parts.get(4).at("/inlineData/data").asText()).isEqualTo(Base64.getEncoder().encodeToString(MASK));
            assertThat(body.at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("3:2");
        }
    }

    @Test
    void editsUnderHfV1AnswerHostedLinksAndLeaveARequestLogRow() throws Exception {
        HttpResponse<String> res = postForm("/hf/v1/images/edits", List.of(
                Part.text("prompt", "a hat on the dog {ratio:16:9}"),
                Part.text("response_format", "url"),
                Part.file("image[]", "dog.png", "application/octet-stream", PNG)));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/data/0/url").asText()).isEqualTo("https://s2.loli.net/2026/e1.png");
        assertThat(SMMS.received()).hasSize(1);
        JsonNode sent = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("a hat on the dog");
        assertThat(sent.at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("16:9");
        // the form's fields are not echoed as answer headers
        assertThat(res.headers().map().keySet()).doesNotContain("prompt", "response_format");
        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> rows = Rows.query(db,
                    "SELECT status, model FROM request_log WHERE path LIKE '%/images/edits'");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("status")).isEqualTo(200);
        });
        assertThat(Rows.everything(db)).doesNotContain(PAID);
    }

    @Test
    void whatCannotBeEditedIsRefusedInOpenAisShapeBeforeGoogleIsCalled() throws Exception {
        Part image = Part.file("image", "a.png", "image/png", PNG);
        assertOpenAiError(postForm("/v1/images/edits", List.of(
                Part.text("prompt", "x"), Part.file("image", "a.txt", "text/plain", "hello".getBytes()))),
                400, "invalid_request_error");
        assertOpenAiError(postForm("/v1/images/edits", List.of(image)), 400, "invalid_request_error");
        assertOpenAiError(postForm("/v1/images/edits", List.of(Part.text("prompt", "x"))), 400, "invalid_request_error");
        assertOpenAiError(postForm("/v1/images/edits", List.of(Part.text("prompt", "x"), image,
                Part.text("model", "imagen-4.0-generate-001"))), 400, "invalid_request_error");
        assertOpenAiError(postForm("/v1/images/edits", List.of(Part.text("prompt", "x"), image,
                Part.text("n", "11"))), 400, "invalid_request_error");
        List<Part> seventeen = new ArrayList<>(List.of(Part.text("prompt", "x")));
        for (int i = 0; i < 17; i++) {
            seventeen.add(Part.file("image[]", i + ".png", "image/png", PNG));
        }
        assertOpenAiError(postForm("/v1/images/edits", seventeen), 400, "invalid_request_error");
        HttpResponse<String> json = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/edits")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")));
        assertOpenAiError(json, 400, "invalid_request_error");
        HttpResponse<String> large = postForm("/v1/images/edits", List.of(Part.text("prompt", "x"),
                Part.file("image", "big.png", "image/png", new byte[300_000])));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(large.body()).path("error").has("message")).isTrue();
        // chunked, without a Content-Length: refused once it grows past MAX_BODY_SIZE
        byte[] chunked = new byte[400_000];
        HttpResponse<String> growing = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/edits")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "multipart/form-data; boundary=caravan-test-boundary-7")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked))));
        assertThat(growing.statusCode()).isEqualTo(413);

        assertThat(gateway.stub().received()).isEmpty();
    }

    /** One part of a multipart/form-data body. */
    private record Part(String name, String fileName, String contentType, byte[] bytes) {
        static Part text(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Part file(String name, String fileName, String contentType, byte[] bytes) {
            return new Part(name, fileName, contentType, bytes);
        }
    }

    private static HttpResponse<String> postForm(String path, List<Part> parts) throws Exception {
        String boundary = "caravan-test-boundary-7";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"")
                    .append(p.name()).append('"');
            if (p.fileName() != null) {
                head.append("; filename=\"").append(p.fileName()).append("\"\r\nContent-Type: ").append(p.contentType());
            }
            head.append("\r\n\r\n");
            body.write(head.toString().getBytes(StandardCharsets.UTF_8));
            body.write(p.bytes());
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }
}
