package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Gemini image models' settings from an OpenAI request: size → imageConfig (aspectRatio, and imageSize for the
 * Gemini 3 models), and gemini-balance's prompt directives {n:K} and {ratio:W:H}.
 */
class MapsImageSizesAndPromptDirectivesTest {

    private final OpenAiImages images = new OpenAiImages("gemini-3.1-flash-image", JsonAssert.CLOCK);

    static Stream<Arguments> sizes() {
        return Stream.of(
                arguments("1024x1024", "{\"aspectRatio\":\"1:1\"}"),
                arguments("1792x1024", "{\"aspectRatio\":\"16:9\"}"),
                arguments("2048x2048", "{\"aspectRatio\":\"1:1\",\"imageSize\":\"2K\"}"),
                arguments("4096x2304", "{\"aspectRatio\":\"16:9\",\"imageSize\":\"4K\"}"),
                arguments("1024x4096", "{\"aspectRatio\":\"1:4\",\"imageSize\":\"2K\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sizes")
    void sizeBecomesAspectRatioAndImageSize(String size, String imageConfig) {
        GeminiImageRequest out = images.toGemini(json("{\"prompt\":\"a fox\",\"size\":\"" + size + "\"}"));

        assertJson(out.body(), """
                {"contents":[{"role":"user","parts":[{"text":"a fox"}]}],
                 "generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":%s}}
                """.formatted(imageConfig));
        assertThat(out.path()).isEqualTo("/models/gemini-3.1-flash-image:generateContent");
    }

    @Test
    void gemini25FlashImageGetsNoImageSizeItCannotMake() {
        GeminiImageRequest out = images.toGemini(json(
                "{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"a fox\",\"size\":\"4096x4096\"}"));

        assertJson(out.body().path("generationConfig").path("imageConfig"), "{\"aspectRatio\":\"1:1\"}");
    }

    @Test
    void directivesOverrideNAndSizeAndLeaveThePrompt() {
        GeminiImageRequest out = images.toGemini(json(
                "{\"prompt\":\"a fox {n:3} in snow {ratio:16:9}\",\"n\":1,\"size\":\"1024x1024\"}"));

        assertThat(out.calls()).isEqualTo(3);
        assertJson(out.body(), """
                {"contents":[{"role":"user","parts":[{"text":"a fox in snow"}]}],
                 "generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"16:9"}}}
                """);
    }

    @Test
    void imagenDirectivesGiveSampleCountAndRatio() {
        GeminiImageRequest out = images.toGemini(json(
                "{\"model\":\"imagen-4.0-generate-001\",\"prompt\":\"{n:2}{ratio:9:16} a fox\"}"));

        assertJson(out.body(), "{\"instances\":[{\"prompt\":\"a fox\"}],"
                + "\"parameters\":{\"sampleCount\":2,\"aspectRatio\":\"9:16\"}}");
    }

    @Test
    void otherBracesStayInThePrompt() {
        GeminiImageRequest out = images.toGemini(json("{\"prompt\":\"a sign saying {hello}\"}"));

        assertThat(out.body().path("contents").get(0).path("parts").get(0).path("text").asText())
                .isEqualTo("a sign saying {hello}");
    }

    static Stream<Arguments> badDirectives() {
        return Stream.of(
                arguments("{\"prompt\":\"x {n:0}\"}", "from 1 to 10"),
                arguments("{\"prompt\":\"x {n:two}\"}", "must be a whole number"),
                arguments("{\"prompt\":\"x {ratio:7:3}\"}", "is not one of"),
                arguments("{\"model\":\"imagen-4.0-generate-001\",\"prompt\":\"x {ratio:21:9}\"}", "is not one of"),
                arguments("{\"prompt\":\"x {ratio:wide}\"}", "WIDTH:HEIGHT"),
                arguments("{\"prompt\":\" {n:2} \"}", "nothing but directives"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDirectives")
    void refusesBadDirectives(String request, String message) {
        assertThatThrownBy(() -> images.toGemini(json(request)))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining(message);
    }
}
