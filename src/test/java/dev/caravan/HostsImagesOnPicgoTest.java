package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.IMAGE_ANSWER;
import static dev.caravan.support.GeneratedImageAnswers.holdsPngAsFileField;
import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UPLOAD_PROVIDER=picgo: routes/image-hosts/picgo.camel.yaml uploads to PICGO_API_URL (here a stub of a Chevereto
 * API on loopback) with the image in the field "source" and PICGO_API_KEY as X-API-Key; Chevereto's and
 * PicGo-Server's answers both give the link.
 */
class HostsImagesOnPicgoTest {

    private static final StubGemini PICGO = StubGemini.started();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a")
            .set("caravan.upload-provider", "PicGo")
            .set("caravan.picgo-api-key", "picgo-key-1")
            .set("caravan.picgo-api-url", PICGO.baseUrl().replace("/v1beta", "") + "/api/1/upload");

    @AfterAll
    static void stopHost() {
        PICGO.close();
    }

    @BeforeEach
    void googleDraws() {
        PICGO.reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, IMAGE_ANSWER));
    }

    @Test
    void cheveretoAnswerGivesTheLink() throws Exception {
        PICGO.answer(r -> new StubGemini.Json(200,
                "{\"status_code\": 200, \"image\": {\"url\": \"https://www.picgo.net/images/a1.png\"}}"));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash-image\",\"messages\":[{\"role\":\"user\",\"content\":\"draw\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText())
                .contains("![image](https://www.picgo.net/images/a1.png)");
        StubGemini.Received upload = PICGO.received().get(0);
        assertThat(upload.path()).isEqualTo("/api/1/upload");
        assertThat(upload.query()).as("the key travels in a header, not the URL").isNull();
        assertThat(upload.header("x-api-key")).isEqualTo("picgo-key-1");
        assertThat(holdsPngAsFileField(upload.body(), "source")).as("the PNG as the field source").isTrue();
    }

    @Test
    void picgoServerAnswerGivesTheLink() throws Exception {
        PICGO.answer(r -> new StubGemini.Json(200, "{\"success\": true, \"result\": [\"https://img.example.org/b2.png\"]}"));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations",
                "{\"prompt\":\"a caravan\",\"response_format\":\"url\"}");

        assertThat(JSON.readTree(res.body()).path("data").get(0).path("url").asText())
                .isEqualTo("https://img.example.org/b2.png");
    }
}
