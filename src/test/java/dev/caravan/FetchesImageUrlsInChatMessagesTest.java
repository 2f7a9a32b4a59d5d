package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An http(s) image URL in a chat message is fetched by the gateway (here from the stub, so private addresses are
 * allowed) and sent to Gemini as inline data; the fetch is a plain GET of the URL that carries neither a pool key nor
 * anything of the client's request, and a URL with credentials in it is not fetched at all. Failures:
 * {@link AnswersOneMessageForAnyImageNotFetchedTest}.
 */
class FetchesImageUrlsInChatMessagesTest {

    private static final List<String> POOL = List.of("image-pool-key-a", "image-pool-key-b");
    /** Text bytes stand in for an image: the stub writes strings, and the gateway does not decode images. */
    private static final String IMAGE_BYTES = "\u0089PNG-not-really-an-image";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.image-fetch-allow-private", "true");

    private static String imageUrl(String path) {
        return gateway.stub().baseUrl().replaceFirst("/v1beta$", path);
    }

    private static HttpResponse<String> chatAbout(String url) throws Exception {
        String body = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"text","text":"what is in this picture?"},
                  {"type":"image_url","image_url":{"url":"%s","detail":"high"}}]}]}""".formatted(url);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void imageUrlIsFetchedAndSentToGeminiAsInlineData() throws Exception {
        gateway.stub().answer(r -> r.path().startsWith("/images/")
                ? new StubGemini.Sse("image/png", List.of(IMAGE_BYTES), Duration.ZERO, false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("a cat")));

        HttpResponse<String> res = chatAbout(imageUrl("/images/cat.png"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText()).isEqualTo("a cat");
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(2);
        StubGemini.Received fetch = seen.get(0);
        assertThat(fetch.method()).isEqualTo("GET");
        assertThat(fetch.path()).isEqualTo("/images/cat.png");
        assertThat(fetch.key()).isNull();
        assertThat(fetch.header("authorization")).isNull();
        assertThat(fetch.header("host")).isEqualTo(URI.create(imageUrl("/")).getAuthority());
        assertThat(fetch.headers().toString()).doesNotContain(Gateway.TOKEN).doesNotContain(POOL.get(0))
                .doesNotContain(POOL.get(1)).doesNotContainIgnoringCase("cookie");
        assertThat(fetch.body()).isEmpty();
        StubGemini.Received up = seen.get(1);
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(up.key()).isIn(POOL);
        JsonNode parts = JSON.readTree(up.body()).at("/contents/0/parts");
        assertThat(parts).hasSize(2);
        assertThat(parts.at("/0/text").asText()).isEqualTo("what is in this picture?");
        assertThat(parts.at("/1/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(parts.at("/1/inlineData/data").asText()).isEqualTo(
                Base64.getEncoder().encodeToString(IMAGE_BYTES.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void imageUrlWithCredentialsIsNotFetched() throws Exception {
        String url = imageUrl("/images/cat.png").replace("http://", "http://user:secret@");

        HttpResponse<String> res = chatAbout(url);

        assertOpenAiError(res, 400, "invalid_request_error");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
