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
 * Out of the box (CREATE_IMAGE_MODEL's default), OpenAI's Java SDK gets images from a Gemini image model that exists
 * today: images.generate with n 2 and no model makes two generateContent calls to gemini-3.1-flash-image with the
 * size as imageConfig, with PAID_KEY when it is set.
 */
class OpenAiSdkGeneratesWithTheDefaultGeminiImageModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAID = "test-paid-keyForImages-2";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a").set("caravan.paid-key", PAID);

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @Test
    void twoImagesAreTwoCallsToTheDefaultModel() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates": [{"content": {"role": "model", "parts": [
                   {"inlineData": {"mimeType": "image/png", "data": "%s"}}]}, "finishReason": "STOP", "index": 0}]}
                """.formatted(calls.getAndIncrement() == 0 ? "Zmlyc3Q=" : "c2Vjb25k")));

        ImagesResponse res = sdk.client().images().generate(ImageGenerateParams.builder()
                .prompt("two caravans")
                .n(2)
                .size(ImageGenerateParams.Size._1792X1024)
                .build());

        List<Image> images = res.data().orElseThrow();
        assertThat(images).extracting(i -> i.b64Json().orElseThrow()).containsExactly("Zmlyc3Q=", "c2Vjb25k");
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(2);
        for (StubGemini.Received up : seen) {
            assertThat(up.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent");
            assertThat(up.key()).isEqualTo(PAID);
            JsonNode sent = JSON.readTree(up.body());
            assertThat(sent.at("/generationConfig/imageConfig").toString()).isEqualTo("{\"aspectRatio\":\"16:9\"}");
            assertThat(sent.at("/generationConfig").has("candidateCount")).isFalse();
        }
    }
}
