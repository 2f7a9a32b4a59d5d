package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * Whatever error answer the upstream route ends with (Google's envelope as an object or a one-element array, or a
 * body that is no envelope), the stream's last event carries its status, Google's status word and its message.
 */
class InStreamErrorWordsEveryErrorAnswerTest {

    private final InStreamError errors = new InStreamError(new ObjectMapper());

    /** A shaper that records what it was asked to word. */
    private static final class Recording implements StreamShaper {
        final List<String> calls = new ArrayList<>();

        @Override public String contentType(String upstreamContentType) { return upstreamContentType; }
        @Override public Buffer chunk(Buffer upstream) { return upstream; }
        @Override public Buffer end() { return Buffer.buffer(); }
        @Override public Buffer error(int code, String googleStatus, String message) {
            calls.add(code + " " + googleStatus + " " + message);
            return Buffer.buffer("tail");
        }
    }

    @Test
    void readsGooglesEnvelopeAsAnObject() {
        assertThat(worded(429, "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}"))
                .isEqualTo("429 RESOURCE_EXHAUSTED Quota exceeded");
    }

    @Test
    void readsGooglesEnvelopeAsAOneElementArray() {
        assertThat(worded(400, "[{\"error\":{\"code\":400,\"message\":\"Bad\",\"status\":\"INVALID_ARGUMENT\"}}]"))
                .isEqualTo("400 INVALID_ARGUMENT Bad");
    }

    @Test
    void namesTheStatusWhenTheBodyIsNoEnvelope() {
        assertThat(worded(502, "<html>bad gateway</html>")).isEqualTo("502 UNAVAILABLE Google answered HTTP 502");
        assertThat(worded(504, "")).isEqualTo("504 DEADLINE_EXCEEDED Google answered HTTP 504");
    }

    private String worded(int status, String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Message msg = exchange.getMessage();
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        msg.setHeader("Retry-After", "30");
        msg.setBody(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
        Recording shaper = new Recording();
        // no client connection is needed to word the error
        errors.end(msg, null, shaper);
        assertThat(msg.getHeader(Upstream.OUTCOME)).isEqualTo(Upstream.RELAYED);
        assertThat(msg.getHeader(Exchange.HTTP_RESPONSE_CODE)).as("kept for the request log").isEqualTo(status);
        assertThat(msg.getHeader("Retry-After")).isNull();
        assertThat(msg.getBody()).isNull();
        return shaper.calls.isEmpty() ? null : shaper.calls.get(0);
    }
}
