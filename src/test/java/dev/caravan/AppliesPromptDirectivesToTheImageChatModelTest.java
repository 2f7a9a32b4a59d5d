package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.IMAGE_ANSWER;
import static dev.caravan.support.GeneratedImageAnswers.PNG_BASE64;
import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gemini-balance's {n:K} and {ratio:W:H} directives work on the image chat model ({@code <CREATE_IMAGE_MODEL>-chat})
 * as on /v1/images/generations: taken out of the last user message, the ratio as imageConfig.aspectRatio, K images as
 * K calls with the paid key put together into one answer (a stream gets it as a fake stream). Other models' messages
 * keep their braces.
 */
class AppliesPromptDirectivesToTheImageChatModelTest {

    private static final String PAID = "test-paid-keyForChatImages-4";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a")
            .set("caravan.paid-key", PAID)
            .set("caravan.create-image-model", "gemini-3.1-flash-image");

    @BeforeEach
    void googleDraws() {
        gateway.stub().answer(r -> new StubGemini.Json(200, r.path().contains("image")
                ? IMAGE_ANSWER : GoogleBodies.generateContent("plain {n:2}")));
    }

    @Test
    void countAndRatioMakeThatManyCallsAndOneAnswer() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", "{\"model\":\"gemini-3.1-flash-image-chat\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a red fox {n:2} {ratio:16:9}\"}]}");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String content = JSON.readTree(res.body()).at("/choices/0/message/content").asText();
        assertThat(content.split("!\\[image]\\(data:image/png;base64," + java.util.regex.Pattern.quote(PNG_BASE64), -1))
                .hasSize(3);
        List<StubGemini.Received> calls = gateway.stub().received();
        assertThat(calls).hasSize(2);
        for (StubGemini.Received call : calls) {
            assertThat(call.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent");
            assertThat(call.key()).isEqualTo(PAID);
            JsonNode body = JSON.readTree(call.body());
            assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("a red fox");
            assertThat(body.at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("16:9");
            assertThat(body.at("/generationConfig/responseModalities").toString()).isEqualTo("[\"TEXT\",\"IMAGE\"]");
        }
    }

    @Test
    void aStreamAskingForSeveralImagesGetsThemAllInOneFakeStream() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", "{\"model\":\"gemini-3.1-flash-image-chat\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"{n:3} three foxes\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(res.body()).endsWith("data: [DONE]\n\n");
        assertThat(res.body().split("!\\[image]\\(data:image/png;base64,", -1)).hasSize(4);
        List<StubGemini.Received> calls = gateway.stub().received();
        assertThat(calls).hasSize(3).allSatisfy(c ->
                assertThat(c.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent"));
        assertThat(JSON.readTree(calls.get(0).body()).at("/contents/0/parts/0/text").asText()).isEqualTo("three foxes");
    }

    @Test
    void aRatioTheModelDoesNotMakeIsRefusedBeforeAnyCall() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", "{\"model\":\"gemini-3.1-flash-image-chat\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a fox {ratio:7:3}\"}]}");

        assertOpenAiError(res, 400, "invalid_request_error");
        assertThat(res.body()).contains("ratio");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void otherModelsKeepTheirBraces() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"explain {n:2} in a template\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(JSON.readTree(gateway.stub().received().get(0).body()).at("/contents/0/parts/0/text").asText())
                .isEqualTo("explain {n:2} in a template");
        assertThat(gateway.stub().keysSeen()).containsExactly("pool-key-a");
    }
}
