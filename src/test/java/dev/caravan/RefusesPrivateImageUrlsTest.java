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
 * With private addresses not allowed (the default), an image URL that leads to this machine is refused with the
 * one answer every failed image gets, before anything is fetched or sent to Gemini, however the address is spelled:
 * a client cannot make the gateway probe what is behind it. Every URL here points at the stub's own port on
 * loopback, so a fetch that slipped through would be recorded. The other ranges are in {@code
 * ForbiddenAddressesTest}: only loopback is ever put on the wire.
 */
class RefusesPrivateImageUrlsTest {

    private static final String NOT_FETCHED = "The image at messages[0].content[1].image_url.url could not be fetched";

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

    private static int stubPort() {
        return URI.create(gateway.stub().baseUrl()).getPort();
    }

    @Test
    void loopbackImageUrlIsRefusedAndNothingGoesUpstream() throws Exception {
        String url = gateway.stub().baseUrl().replaceFirst("/v1beta$", "/images/cat.png");

        JsonNode error = assertOpenAiError(chatAbout(url), 400, "invalid_request_error");

        assertThat(error.path("message").asText()).isEqualTo(NOT_FETCHED);
        assertThat(error.path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void everySpellingOfLoopbackIsRefused() throws Exception {
        int port = stubPort();
        for (String host : new String[] {"localhost", "127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1",
                "127.255.255.254", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]", "LOCALHOST."}) {
            String url = "http://" + host + ":" + port + "/images/cat.png";

            HttpResponse<String> res = chatAbout(url);

            assertThat(assertOpenAiError(res, 400, "invalid_request_error").path("message").asText()).as(url)
                    .isEqualTo(NOT_FETCHED);
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
