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
 * IMAGE_FETCH_MAX_BYTES bounds what the gateway downloads for one image, not only what it keeps: one byte over the
 * cap and the connection is closed, so an endless image costs the cap and no more. An answer that announces more
 * than the cap is not read at all.
 */
class StopsAnImageDownloadAtTheByteCapTest {

    private static final int CHUNKS = 1600;
    private static final String CHUNK = "x".repeat(64 * 1024);

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("byte-cap-pool-key")
            .set("caravan.image-fetch-allow-private", "true")
            .set("caravan.image-fetch-max-bytes", "1024");

    private static HttpResponse<String> chatAbout(String path) throws Exception {
        String url = gateway.stub().baseUrl().replaceFirst("/v1beta$", path);
        String body = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void anEndlessImageIsCutOffAfterTheCap() throws Exception {
        // 100 MB of "image" as fast as loopback takes it, without a length up front
        gateway.stub().answer(r -> new StubGemini.Sse("image/png", Collections.nCopies(CHUNKS, CHUNK), Duration.ZERO,
                false));

        assertOpenAiError(chatAbout("/endless.png"), 400, "invalid_request_error");

        assertThat(gateway.stub().awaitClientClosed(10)).as("the gateway closed the connection").isTrue();
        // what the stub got out before it noticed: the cap plus what the sockets' buffers held, not 100 MB
        assertThat(gateway.stub().sentAtNanos().size()).isLessThan(CHUNKS / 8);
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path).containsExactly("/endless.png");
    }

    @Test
    void anImageAnnouncedOverTheCapIsNotRead() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, CHUNK.repeat(160)));

        assertOpenAiError(chatAbout("/announced.png"), 400, "invalid_request_error");

        assertThat(gateway.stub().awaitClientClosed(10)).as("the gateway closed the connection").isTrue();
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path).containsExactly("/announced.png");
    }
}
