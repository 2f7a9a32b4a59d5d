package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With private addresses not allowed (the default), an image URL on this machine or a private network is refused
 * with 400 before anything is fetched or sent to Gemini: a client cannot make the gateway probe what is behind it.
 */
class RefusesPrivateImageUrlsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("private-pool-key-a")
            .set("caravan.image-fetch-allow-private", "false");

    private static HttpResponse<String> chatAbout(String url) throws Exception {
        String body = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"text","text":"describe"},{"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void loopbackImageUrlIsRefusedAndNothingGoesUpstream() throws Exception {
        // the stub itself listens on 127.0.0.1: a fetch would be recorded
        String url = gateway.stub().baseUrl().replaceFirst("/v1beta$", "/images/cat.png");

        JsonNode error = assertOpenAiError(chatAbout(url), 400, "invalid_request_error");

        assertThat(error.path("message").asText()).contains("private or local");
        assertThat(error.path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void otherLocalAndPrivateAddressesAreRefusedToo() throws Exception {
        for (String url : new String[] {"http://localhost:1/x.png", "http://10.0.0.1/x.png", "http://192.168.1.1/x.png",
                "http://169.254.169.254/latest/meta-data", "http://[::1]:1/x.png", "http://0.0.0.0:1/x.png"}) {
            assertOpenAiError(chatAbout(url), 400, "invalid_request_error");
        }

        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void nonHttpImageUrlIsRefused() throws Exception {
        assertOpenAiError(chatAbout("file:///etc/passwd"), 400, "invalid_request_error");
        assertOpenAiError(chatAbout("ftp://example.com/x.png"), 400, "invalid_request_error");

        assertThat(gateway.stub().received()).isEmpty();
    }
}
