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
 * UPLOAD_PROVIDER=cloudflare_imgbed: routes/image-hosts/cloudflare-imgbed.camel.yaml uploads to CLOUDFLARE_IMGBED_URL
 * (here a stub on loopback, under a sub-path) with the image in the field "file" and the folder and auth code in
 * the query, as gemini-balance does; the host's relative answer becomes a link on the same site.
 */
class HostsImagesOnCloudflareImgbedTest {

    private static final StubGemini IMGBED = StubGemini.started();
    private static final String SITE = IMGBED.baseUrl().replace("/v1beta", "") + "/imgbed";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a")
            .set("caravan.upload-provider", "cloudflare_imgbed")
            .set("caravan.cloudflare-imgbed-url", SITE + "/upload")
            .set("caravan.cloudflare-imgbed-auth-code", "auth+code&1")
            .set("caravan.cloudflare-imgbed-upload-folder", "caravan/2026");

    @AfterAll
    static void stopHost() {
        IMGBED.close();
    }

    @BeforeEach
    void googleDrawsAndTheImageBedTakesImages() {
        IMGBED.reset();
        IMGBED.answer(r -> new StubGemini.Json(200, "[{\"src\": \"/file/c3.png\"}]"));
        gateway.stub().answer(r -> new StubGemini.Json(200, IMAGE_ANSWER));
    }

    @Test
    void relativeAnswerBecomesALinkOnTheImageBedsSite() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations",
                "{\"prompt\":\"a caravan\",\"response_format\":\"url\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("data").get(0).path("url").asText()).isEqualTo(SITE + "/file/c3.png");
        StubGemini.Received upload = IMGBED.received().get(0);
        assertThat(upload.path()).isEqualTo("/imgbed/upload");
        assertThat(java.net.URLDecoder.decode(upload.query(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("uploadFolder=caravan/2026").contains("authCode=auth+code&1").contains("uploadNameType=origin");
        assertThat(holdsPngAsFileField(upload.body(), "file")).as("the PNG as the field file").isTrue();
    }
}
