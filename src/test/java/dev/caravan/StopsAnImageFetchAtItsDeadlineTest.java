package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;

import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IMAGE_FETCH_TIMEOUT_SECONDS bounds the whole fetch of an image, not each read: a server that trickles its image a
 * few bytes at a time, never silent long enough for a read timeout, is cut off at the deadline and the client
 * answered then, not when the server is done.
 */
class StopsAnImageFetchAtItsDeadlineTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("deadline-pool-key")
            .set("caravan.image-fetch-allow-private", "true")
            .set("caravan.image-fetch-timeout-seconds", "1");

    @Test
    void aTricklingImageIsCutOffAtTheDeadline() throws Exception {
        // 40 bytes, one every 250 ms: 10 s in all, never a second of silence
        gateway.stub().answer(r -> new StubGemini.Sse("image/png", Collections.nCopies(40, "x"),
                Duration.ofMillis(250), false));
        String url = gateway.stub().baseUrl().replaceFirst("/v1beta$", "/slow.png");
        String body = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url);

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertOpenAiError(res, 400, "invalid_request_error");
        // the deadline is the contract here: 1 s, with room for a loaded machine, well short of the trickle's 10 s
        assertThat(took).isLessThan(Duration.ofSeconds(6));
        assertThat(gateway.stub().awaitClientClosed(10)).as("the gateway closed the connection").isTrue();
        assertThat(gateway.stub().sentAtNanos()).hasSizeLessThan(40);
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path).containsExactly("/slow.png");
    }
}
