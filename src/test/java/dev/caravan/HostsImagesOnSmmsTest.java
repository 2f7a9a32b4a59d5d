package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.IMAGE_ANSWER;
import static dev.caravan.support.GeneratedImageAnswers.PNG_BASE64;
import static dev.caravan.support.GeneratedImageAnswers.holdsPngAsFileField;
import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UPLOAD_PROVIDER=smms: routes/image-hosts/smms.camel.yaml uploads each generated image to sm.ms's API (here a stub
 * of it on loopback) as gemini-balance does, and the client gets the link: in chat completions and in
 * /v1/images/generations with response_format url. A failed upload answers the image inline and leaves an
 * error-log row.
 */
class HostsImagesOnSmmsTest {

    private static final StubGemini SMMS = StubGemini.started();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a")
            .set("caravan.upload-provider", "smms")
            .set("caravan.smms-secret-token", "smms-token-1")
            .set("caravan.smms-api-url", SMMS.baseUrl().replace("/v1beta", "") + "/api/v2/upload");

    @AfterAll
    static void stopHost() {
        SMMS.close();
    }

    @BeforeEach
    void googleDrawsAndSmmsTakesImages() {
        SMMS.reset();
        SMMS.answer(r -> new StubGemini.Json(200,
                "{\"success\": true, \"code\": \"success\", \"data\": {\"url\": \"https://s2.loli.net/2026/a1.png\"}}"));
        gateway.stub().answer(r -> new StubGemini.Json(200, IMAGE_ANSWER));
    }

    @Test
    void chatCompletionAnswersTheHostedLink() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash-image\",\"messages\":[{\"role\":\"user\",\"content\":\"draw\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        String content = JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText();
        assertThat(content).contains("Here it is.").contains("![image](https://s2.loli.net/2026/a1.png)")
                .doesNotContain("base64");
        List<StubGemini.Received> uploads = SMMS.received();
        assertThat(uploads).hasSize(1);
        StubGemini.Received upload = uploads.get(0);
        assertThat(upload.method()).isEqualTo("POST");
        assertThat(upload.path()).isEqualTo("/api/v2/upload");
        assertThat(upload.header("authorization")).isEqualTo("Basic smms-token-1");
        assertThat(upload.header("content-type")).startsWith("multipart/form-data; boundary=");
        assertThat(holdsPngAsFileField(upload.body(), "smfile")).as("the PNG as the field smfile").isTrue();
        // nothing of the pool's or the client's credentials, nor Caravan's own headers, goes to the host
        assertThat(upload.headers().toString()).doesNotContain("image-key-a").doesNotContain(Gateway.TOKEN)
                .doesNotContainIgnoringCase("caravan");
    }

    @Test
    void imageChatModelAnswersTheHostedLink() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions",
                "{\"model\":\"gemini-3.1-flash-image-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a caravan\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(res.body());
        assertThat(answer.path("model").asText()).isEqualTo("gemini-3.1-flash-image-chat");
        assertThat(answer.path("choices").get(0).path("message").path("content").asText())
                .contains("![image](https://s2.loli.net/2026/a1.png)");
        StubGemini.Received google = gateway.stub().received().get(0);
        assertThat(google.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent");
        assertThat(JSON.readTree(google.body()).path("generationConfig").path("responseModalities").toString())
                .isEqualTo("[\"TEXT\",\"IMAGE\"]");
    }

    @Test
    void imageGenerationWithUrlFormatAnswersHostedLinks() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations",
                "{\"prompt\":\"a caravan\",\"n\":2,\"response_format\":\"url\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(res.body()).path("data");
        assertThat(data).hasSize(2);
        assertThat(data).allSatisfy(d -> assertThat(d.path("url").asText()).isEqualTo("https://s2.loli.net/2026/a1.png"));
        assertThat(SMMS.received()).hasSize(2);
        // the default model is a Gemini image model today
        assertThat(gateway.stub().received()).allSatisfy(r ->
                assertThat(r.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-image:generateContent"));
    }

    @Test
    void imageGenerationAskingForBytesUploadsNothing() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations",
                "{\"prompt\":\"a caravan\",\"response_format\":\"b64_json\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("data").get(0).path("b64_json").asText()).isEqualTo(PNG_BASE64);
        assertThat(SMMS.received()).isEmpty();
    }

    @Test
    void repeatedImageAnswersTheLinkSmmsAlreadyHas() throws Exception {
        SMMS.answer(r -> new StubGemini.Json(200, "{\"success\": false, \"code\": \"image_repeated\", "
                + "\"message\": \"Image upload repeated limit\", \"images\": \"https://s2.loli.net/2026/old.png\"}"));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations",
                "{\"prompt\":\"a caravan\",\"response_format\":\"url\"}");

        assertThat(JSON.readTree(res.body()).path("data").get(0).path("url").asText())
                .isEqualTo("https://s2.loli.net/2026/old.png");
    }

    @Test
    void failedUploadAnswersTheImageInlineAndLogsWhy() throws Exception {
        SMMS.answer(r -> new StubGemini.Json(500, "{\"success\": false, \"message\": \"smms-token-1 broke\"}"));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash-image\",\"messages\":[{\"role\":\"user\",\"content\":\"draw again\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        String content = JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText();
        assertThat(content).contains("![image](data:image/png;base64," + PNG_BASE64 + ")");
        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> rows = Rows.query(db,
                    "SELECT status, error_type, error_body FROM error_log WHERE error_type = 'IMAGE_HOST_FAILED'");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("status")).isEqualTo(200);
            assertThat((String) rows.get(0).get("error_body")).contains("image host smms").contains("HTTP 500")
                    .doesNotContain("smms-token-1");
        });
    }
}
