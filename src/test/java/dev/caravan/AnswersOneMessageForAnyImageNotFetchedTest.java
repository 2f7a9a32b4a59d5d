package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.dialect.openai.CamelImageFetcher;
import dev.caravan.support.Gateway;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever kept an image URL from being fetched (a 404, an answer that is no image or is too large, a closed port, a
 * dropped connection, a server that never answers), the client gets the same 400 with the same words, so the gateway
 * cannot be used to learn what answers where. What happened goes to the debug log, with the host but not the rest of
 * the URL; Gemini is never called.
 */
class AnswersOneMessageForAnyImageNotFetchedTest {

    private static final String EXPECTED = "The image at messages[0].content[1].image_url.url could not be fetched";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("not-fetched-pool-key")
            .set("caravan.image-fetch-allow-private", "true")
            .set("caravan.image-fetch-max-bytes", "1024")
            .set("caravan.image-fetch-timeout-seconds", "1");

    private static String imageUrl(String path) {
        return gateway.stub().baseUrl().replaceFirst("/v1beta$", path);
    }

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
    void everyFailureGetsTheSameAnswerAndTheReasonGoesToTheDebugLog() throws Exception {
        gateway.stub().answer(r -> switch (r.path()) {
            case "/missing.png" -> new StubGemini.Json(404, "{\"error\":\"no such image\"}");
            case "/page.html" -> new StubGemini.Sse("text/html", List.of("<html>not an image</html>"), Duration.ZERO, false);
            case "/huge.png" -> new StubGemini.Sse("image/png", List.of("x".repeat(1025)), Duration.ZERO, false);
            case "/dropped.png" -> new StubGemini.Close();
            default -> new StubGemini.Hang();
        });
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("HTTP 404", imageUrl("/missing.png?sig=client-signature"));
        urls.put("text/html", imageUrl("/page.html"));
        urls.put("larger than 1024 bytes", imageUrl("/huge.png"));
        urls.put("Connection refused", "http://127.0.0.1:" + Gateway.freePort() + "/closed.png");
        urls.put("NoHttpResponseException", imageUrl("/dropped.png"));
        urls.put("took longer than 1000 ms", imageUrl("/silent.png"));

        Configurator.setLevel(CamelImageFetcher.class.getName(), Level.DEBUG);
        try (LogCapture log = LogCapture.everything()) {
            for (Map.Entry<String, String> url : urls.entrySet()) {
                HttpResponse<String> res = chatAbout(url.getValue());

                JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
                assertThat(error.path("message").asText()).as(url.getKey()).isEqualTo(EXPECTED);
                assertThat(error.path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
                assertThat(log.lines()).as("the reason of %s in the debug log", url.getValue())
                        .anySatisfy(line -> assertThat(line).startsWith("DEBUG").contains("127.0.0.1")
                                .contains(url.getKey()));
            }
            assertThat(log.lines()).noneSatisfy(line -> assertThat(line).contains("client-signature"));
        } finally {
            Configurator.setLevel(CamelImageFetcher.class.getName(), Level.INFO);
        }

        // each image was asked for once; Gemini never
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path)
                .containsExactly("/missing.png", "/page.html", "/huge.png", "/dropped.png", "/silent.png");
    }
}
