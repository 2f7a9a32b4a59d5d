package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import dev.caravan.support.Gateway;
import dev.caravan.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request answered before its body was read (413 over MAX_BODY_SIZE, 401 from the head alone) reaches clients that
 * write the whole body before they read, as Node's fetch does under the Google and OpenAI SDKs. Closing the connection
 * while such a client still sends makes the kernel reset it, and the reset destroys the answer before the client reads
 * it ("fetch failed", EPIPE): the rest of the body is read and thrown away first, then the connection ends.
 */
class AnswersClientsThatSendTheirWholeBodyFirstTest {

    private static final int SENT = 16 * 1024 * 1024;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").set("caravan.max-body-bytes", "1048576")
            .set("caravan.client-token-max-failures", "100000");

    @Test
    void aBodyOverTheLimitIsAnswered413AfterTheClientSentItAll() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            sendWhole(c, "/v1beta/models/gemini-2.5-flash:generateContent", "x-goog-api-key: " + Gateway.TOKEN);

            RawHttp.Answer a = c.read();

            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).contains("\"code\":413");
            assertThat(c.closedByServer()).as("the connection ends once the body is in").isTrue();
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void anUnauthenticatedBodyIsAnswered401AfterTheClientSentItAll() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            sendWhole(c, "/v1/chat/completions", "Authorization: Bearer wrong-token");

            RawHttp.Answer a = c.read();

            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).contains("\"type\":\"authentication_error\"");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    /** The head and all of a body far over the limit, written before anything is read (a write fails on a reset). */
    private static void sendWhole(RawHttp c, String path, String credential) throws Exception {
        c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + credential
                + "\r\nContent-Length: " + SENT + "\r\n\r\n");
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int sent = 0; sent < SENT; sent += chunk.length) {
            c.send(chunk);
        }
    }
}
