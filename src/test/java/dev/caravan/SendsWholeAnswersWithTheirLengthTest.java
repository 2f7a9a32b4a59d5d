package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RawHttp;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: a whole (non-streamed) answer leaves with a Content-Length, not chunked, on both surfaces, and its bytes
 * are Google's bytes for the native surface. The event-loop consumer writes the route's Vert.x buffer as it is; the
 * stock writer would have sent it chunked, or reached it through a type conversion and a copy.
 */
class SendsWholeAnswersWithTheirLengthTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("test-key-a");

    @Test
    void aNativeAnswerIsGooglesBytesWithTheirLength() throws Exception {
        String google = GoogleBodies.generateContent("héllo, wörld");
        gateway.stub().answer(r -> new StubGemini.Json(200, google));

        RawHttp.Answer a = post("/v1beta/models/gemini-2.5-flash:generateContent", "x-goog-api-key: " + Gateway.TOKEN,
                Gateway.prompt("hi"));

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("transfer-encoding")).isNull();
        assertThat(a.header("content-length")).isEqualTo(
                Integer.toString(google.getBytes(StandardCharsets.UTF_8).length));
        assertThat(a.body()).isEqualTo(google);
        assertThat(gateway.stub().keysSeen()).containsExactly("test-key-a");
    }

    @Test
    void anOpenAiAnswerHasItsLength() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("héllo")));

        RawHttp.Answer a = post("/v1/chat/completions", "Authorization: Bearer " + Gateway.TOKEN,
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("transfer-encoding")).isNull();
        assertThat(a.header("content-length")).isEqualTo(
                Integer.toString(a.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(a.body()).contains("\"object\":\"chat.completion\"").contains("héllo");
    }

    private static RawHttp.Answer post(String path, String auth, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 5_000)) {
            return c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + json).read();
        }
    }
}
