package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import dev.caravan.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: a request whose length two parties could read differently is refused with 400 in the
 * caller's dialect and its connection closed, so nothing smuggled in its body is ever served. Before, Vert.x took
 * {@code Transfer-Encoding: chunked} with {@code Content-Length} as chunked (dropping the length) and served it, and
 * took {@code Transfer-Encoding: identity} with a length by the length. Checked on raw loopback sockets, since no
 * HTTP client sends such requests.
 */
class RefusesAmbiguousRequestFramingTest {

    private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void refusesChunkedWithAContentLengthAndServesNothingSmuggledInIt() throws Exception {
        String smuggled = "GET /v1beta/models HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN + "\r\n\r\n";
        String body = Gateway.prompt("hi");
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 5_000)) {
            RawHttp.Answer a = c.send(head("POST", GEMINI, "HTTP/1.1", "Transfer-Encoding: chunked\r\nContent-Length: "
                    + chunked.length()) + chunked + smuggled).read();

            assertRefusedInGoogleShape(a);
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesEveryOtherMixOfTransferEncodingAndContentLength() throws Exception {
        String body = Gateway.prompt("hi");
        String[][] cases = {
                {"HTTP/1.1", "Transfer-Encoding: identity\r\nContent-Length: " + body.length()},
                {"HTTP/1.1", "Content-Length: " + body.length() + "\r\nTransfer-Encoding: gzip, chunked"},
                {"HTTP/1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\nContent-Length: " + body.length()},
                {"HTTP/1.0", "Transfer-Encoding: chunked\r\nContent-Length: " + body.length()},
                // no length at all, and a coding that does not end in chunked: the body's end cannot be known
                {"HTTP/1.1", "Transfer-Encoding: gzip"},
        };
        for (String[] c : cases) {
            try (RawHttp conn = RawHttp.connect(gateway.caravan().port(), 5_000)) {
                RawHttp.Answer a = conn.send(head("POST", GEMINI, c[0], c[1]) + body).read();

                assertRefusedInGoogleShape(a);
                assertThat(conn.closedByServer()).as(c[1]).isTrue();
            }
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void answersOpenAiCallersInOpenAiShape() throws Exception {
        String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 5_000)) {
            RawHttp.Answer a = c.send(head("POST", "/v1/chat/completions", "HTTP/1.1",
                    "Transfer-Encoding: chunked\r\nContent-Length: " + chunked.length()) + chunked).read();

            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body()).contains("\"type\":\"invalid_request_error\"").contains("Transfer-Encoding");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void servesTheSameRequestsWhenTheirLengthIsPlain() throws Exception {
        String body = Gateway.prompt("hi");
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 5_000)) {
            assertThat(c.send(head("POST", GEMINI, "HTTP/1.1", "Content-Length: " + body.length()) + body).read().status())
                    .isEqualTo(200);
            assertThat(c.send(head("POST", GEMINI, "HTTP/1.1", "Transfer-Encoding: chunked") + chunked).read().status())
                    .as("the same connection, kept alive").isEqualTo(200);
        }
        assertThat(gateway.stub().received()).hasSize(2).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(body));
    }

    private static String head(String method, String path, String version, String framing) {
        return method + " " + path + " " + version + "\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN
                + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n";
    }

    private static void assertRefusedInGoogleShape(RawHttp.Answer a) {
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("content-type")).startsWith("application/json");
        assertThat(a.body()).contains("\"code\":400").contains("\"status\":\"INVALID_ARGUMENT\"").contains("Transfer-Encoding");
    }
}
