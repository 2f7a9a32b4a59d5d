package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslatesImageGenerationTest {

    private final OpenAiImages images = new OpenAiImages("imagen-4.0-generate-001", JsonAssert.CLOCK);

    static Stream<Arguments> imagenSizes() {
        return Stream.of(
                arguments("1024x1024", "1:1"),
                arguments("1792x1024", "16:9"),
                arguments("1024x1792", "9:16"),
                arguments("1536x1024", "4:3"),
                arguments("1024x1536", "3:4"),
                arguments("512x512", "1:1"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("imagenSizes")
    void imagenGetsPredictWithNearestAspectRatio(String size, String ratio) {
        GeminiImageRequest out = images.toGemini(json("{\"model\":\"imagen-4.0-generate-001\",\"prompt\":\"a fox\","
                + "\"n\":2,\"size\":\"" + size + "\",\"quality\":\"hd\"}"));

        assertJson(out.body(), "{\"instances\":[{\"prompt\":\"a fox\"}],"
                + "\"parameters\":{\"sampleCount\":2,\"aspectRatio\":\"" + ratio + "\"}}");
        assertThat(out.path()).isEqualTo("/models/imagen-4.0-generate-001:predict");
        assertThat(out.calls()).isEqualTo(1);
    }

    @Test
    void imagenWithoutSizeOrModelUsesDefaults() {
        GeminiImageRequest out = images.toGemini(json("{\"prompt\":\"a fox\",\"size\":\"auto\"}"));

        assertJson(out.body(), "{\"instances\":[{\"prompt\":\"a fox\"}],\"parameters\":{\"sampleCount\":1}}");
        assertThat(out.requestedModel()).isEqualTo("imagen-4.0-generate-001");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini"})
    void openAisOwnImageModelsAreServedByTheConfiguredModel(String openAiModel) {
        GeminiImageRequest out = images.toGemini(json("{\"model\":\"" + openAiModel + "\",\"prompt\":\"a fox\"}"));

        assertThat(out.requestedModel()).isEqualTo("imagen-4.0-generate-001");
    }

    static Stream<Arguments> geminiSizes() {
        return Stream.of(
                arguments("1536x1024", "3:2"),
                arguments("1024x1792", "9:16"),
                arguments("2048x860", "21:9"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("geminiSizes")
    void geminiModelGetsGenerateContentWithImageOutput(String size, String ratio) {
        GeminiImageRequest out = images.toGemini(json("{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"a fox\","
                + "\"n\":3,\"size\":\"" + size + "\"}"));

        assertJson(out.body(), """
                {"contents":[{"role":"user","parts":[{"text":"a fox"}]}],
                 "generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"%s"}}}
                """.formatted(ratio));
        assertThat(out.path()).isEqualTo("/models/gemini-2.5-flash-image:generateContent");
        assertThat(out.calls()).isEqualTo(3);
    }

    @Test
    void imagenResponseBecomesB64Json() {
        GeminiImageRequest request = images.toGemini(json("{\"prompt\":\"x\",\"n\":3}"));

        assertJson(images.toOpenAi(List.of(json("""
                {"predictions":[{"bytesBase64Encoded":"AAA","mimeType":"image/png"},
                                {"raiFilteredReason":"filtered"},
                                {"bytesBase64Encoded":"BBB","mimeType":"image/png"}]}
                """)), request), """
                {"created":1700000000,"data":[{"b64_json":"AAA"},{"b64_json":"BBB"}]}
                """);
    }

    @Test
    void geminiRepliesOfSeveralCallsAreGatheredAndUrlsAreDataUrls() {
        GeminiImageRequest request = images.toGemini(json(
                "{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"x\",\"n\":2,\"response_format\":\"url\"}"));

        assertJson(images.toOpenAi(List.of(
                json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Here\"},"
                        + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAA\"}}]}}]}"),
                json("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/jpeg\","
                        + "\"data\":\"BBB\"}}]}}]}")), request), """
                {"created":1700000000,"data":[{"url":"data:image/png;base64,AAA"},{"url":"data:image/jpeg;base64,BBB"}]}
                """);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("{\"model\":\"imagen-4.0-generate-001\"}", "prompt is required"),
                arguments("{\"prompt\":\"x\",\"n\":5}", "from 1 to 4 for Imagen"),
                arguments("{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"x\",\"n\":11}", "from 1 to 10"),
                arguments("{\"prompt\":\"x\",\"size\":\"big\"}", "size must be"),
                arguments("{\"prompt\":\"x\",\"response_format\":\"png\"}", "response_format"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesMalformedRequests(String request, String message) {
        assertThatThrownBy(() -> images.toGemini(json(request)))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining(message);
    }

    @Test
    void requiresAModelWhenNoDefaultIsConfigured() {
        assertThatThrownBy(() -> new OpenAiImages(null, JsonAssert.CLOCK).toGemini(json("{\"prompt\":\"x\"}")))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining("model is required");
    }
}
