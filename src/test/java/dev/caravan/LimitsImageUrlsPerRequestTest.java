package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IMAGE_FETCH_MAX_URLS bounds how many image URLs one chat request makes the gateway fetch, across all its
 * messages: a request with more is refused with 400 before any is fetched; data URLs do not count.
 */
class LimitsImageUrlsPerRequestTest {

    private static final String DATA_URL = "data:image/png;base64,iVBORw0K";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("count-pool-key")
            .set("caravan.image-fetch-allow-private", "true")
            .set("caravan.image-fetch-max-urls", "2");

    private static String imageUrl(String path) {
        return gateway.stub().baseUrl().replaceFirst("/v1beta$", path);
    }

    private static String image(String url) {
        return "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}";
    }

    private static HttpResponse<String> chat(String firstMessageParts, String secondMessageParts) throws Exception {
        String body = """
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"user","content":[{"type":"text","text":"compare"},%s]},
                  {"role":"assistant","content":"which ones?"},
                  {"role":"user","content":[%s]}]}""".formatted(firstMessageParts, secondMessageParts);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void moreImageUrlsThanTheLimitAreRefusedBeforeAnyFetch() throws Exception {
        HttpResponse<String> res = chat(image(imageUrl("/a.png")) + "," + image(imageUrl("/b.png")),
                image(imageUrl("/c.png")));

        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertThat(error.path("message").asText()).contains("more than 2");
        assertThat(error.path("param").asText()).isEqualTo("messages");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void upToTheLimitIsFetchedAndDataUrlsDoNotCount() throws Exception {
        gateway.stub().answer(r -> r.path().endsWith(".png")
                ? new StubGemini.Sse("image/png", List.of("png-bytes"), Duration.ZERO, false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("two cats")));

        HttpResponse<String> res = chat(image(imageUrl("/a.png")) + "," + image(DATA_URL),
                image(DATA_URL) + "," + image(imageUrl("/b.png")));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path)
                .containsExactly("/a.png", "/b.png", "/v1beta/models/gemini-2.5-flash:generateContent");
    }
}
