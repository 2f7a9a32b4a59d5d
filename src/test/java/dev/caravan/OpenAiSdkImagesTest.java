package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.caravan.support.Gateway;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's Java SDK generates images through the gateway: an Imagen model gets one {@code :predict} call with
 * {@code sampleCount} and the nearest aspect ratio; an image-capable Gemini model, which makes one image per call,
 * gets one {@code generateContent} call per image. Images come back as {@code b64_json}.
 */
class OpenAiSdkImagesTest {

    private static final List<String> POOL = List.of("images-pool-key-a", "images-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIRST_PNG = "aW1hZ2Utb25l";
    private static final String SECOND_PNG = "aW1hZ2UtdHdv";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.create-image-model", "imagen-4.0-generate-001");

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @Test
    void imagenModelGetsOnePredictCallWithSampleCountAndAspectRatio() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"predictions": [
                  {"mimeType": "image/png", "bytesBase64Encoded": "%s"},
                  {"mimeType": "image/png", "bytesBase64Encoded": "%s"}
                ]}
                """.formatted(FIRST_PNG, SECOND_PNG)));

        ImagesResponse res = sdk.client().images().generate(ImageGenerateParams.builder()
                .model("imagen-4.0-generate-001")
                .prompt("a lighthouse at dusk")
                .n(2)
                .size(ImageGenerateParams.Size._1792X1024)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                .build());

        assertThat(res.data().orElseThrow()).extracting(i -> i.b64Json().orElseThrow())
                .containsExactly(FIRST_PNG, SECOND_PNG);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = checked(seen.get(0));
        assertThat(up.path()).isEqualTo("/v1beta/models/imagen-4.0-generate-001:predict");
        JsonNode sent = JSON.readTree(up.body());
        assertThat(sent.at("/instances/0/prompt").asText()).isEqualTo("a lighthouse at dusk");
        assertThat(sent.at("/parameters/sampleCount").asInt()).isEqualTo(2);
        assertThat(sent.at("/parameters/aspectRatio").asText()).isEqualTo("16:9");
    }

    @Test
    void sdkWithoutAModelGetsTheConfiguredImageModel() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200,
                "{\"predictions\": [{\"mimeType\": \"image/png\", \"bytesBase64Encoded\": \"" + FIRST_PNG + "\"}]}"));

        ImagesResponse res = sdk.client().images().generate(ImageGenerateParams.builder().prompt("a fox").build());

        assertThat(res.data().orElseThrow()).extracting(i -> i.b64Json().orElseThrow()).containsExactly(FIRST_PNG);
        StubGemini.Received up = checked(gateway.stub().received().get(0));
        assertThat(up.path()).isEqualTo("/v1beta/models/imagen-4.0-generate-001:predict");
        JsonNode parameters = JSON.readTree(up.body()).path("parameters");
        assertThat(parameters.path("sampleCount").asInt()).isEqualTo(1);
        assertThat(parameters.has("aspectRatio")).isFalse();
    }

    @Test
    void imageCapableGeminiModelMakesOneGenerateContentCallPerImage() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates": [{"content": {"role": "model", "parts": [
                   {"text": "Here is your image."},
                   {"inlineData": {"mimeType": "image/png", "data": "%s"}}]},
                 "finishReason": "STOP", "index": 0}]}
                """.formatted(calls.getAndIncrement() == 0 ? FIRST_PNG : SECOND_PNG)));

        ImagesResponse res = sdk.client().images().generate(ImageGenerateParams.builder()
                .model("gemini-2.5-flash-image")
                .prompt("two cats")
                .n(2)
                .size(ImageGenerateParams.Size._1024X1536)
                .build());

        List<Image> images = res.data().orElseThrow();
        assertThat(images).extracting(i -> i.b64Json().orElseThrow()).containsExactly(FIRST_PNG, SECOND_PNG);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(2);
        for (StubGemini.Received up : seen) {
            checked(up);
            assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-image:generateContent");
            JsonNode sent = JSON.readTree(up.body());
            assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("two cats");
            assertThat(sent.at("/generationConfig/responseModalities"))
                    .isEqualTo(JSON.readTree("[\"TEXT\",\"IMAGE\"]"));
            assertThat(sent.at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("2:3");
            assertThat(sent.at("/generationConfig").has("candidateCount")).isFalse();
        }
    }

    @Test
    void urlFormatGivesDataUrls() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200,
                "{\"predictions\": [{\"mimeType\": \"image/jpeg\", \"bytesBase64Encoded\": \"" + FIRST_PNG + "\"}]}"));

        ImagesResponse res = sdk.client().images().generate(ImageGenerateParams.builder()
                .model("imagen-4.0-generate-001").prompt("a fox")
                .responseFormat(ImageGenerateParams.ResponseFormat.URL).build());

        assertThat(res.data().orElseThrow()).singleElement().satisfies(i ->
                assertThat(i.url()).hasValue("data:image/jpeg;base64," + FIRST_PNG));
        checked(gateway.stub().received().get(0));
    }

    /** A request the gateway made: a POST with a pool key, never the client's token. */
    private static StubGemini.Received checked(StubGemini.Received up) {
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
        return up;
    }
}
