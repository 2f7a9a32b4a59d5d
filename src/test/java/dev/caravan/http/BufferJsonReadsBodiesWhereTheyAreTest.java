package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A buffer is read in place, from its reader index, whatever backs it; other bodies as their bytes. */
class BufferJsonReadsBodiesWhereTheyAreTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsAnArrayBackedBufferFromItsReaderIndexOnly() throws Exception {
        // the JSON sits in the middle of a larger array: bytes before and after it must not be read
        byte[] around = "garbage{\"a\":1}trailing".getBytes(StandardCharsets.UTF_8);
        Buffer body = Buffer.buffer(Unpooled.wrappedBuffer(around, 7, 7));

        assertThat(BufferJson.tree(json, body).path("a").asInt()).isEqualTo(1);
        try (JsonParser p = BufferJson.parser(json.getFactory(), body)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            p.skipChildren();
            assertThat(p.nextToken()).isNull();
        }
    }

    @Test
    void readsADirectBufferThroughItsBytes() throws Exception {
        Buffer body = Buffer.buffer(Unpooled.directBuffer().writeBytes("{\"b\":[2]}".getBytes(StandardCharsets.UTF_8)));

        assertThat(body.getByteBuf().hasArray()).isFalse();
        assertThat(BufferJson.tree(json, body).path("b").path(0).asInt()).isEqualTo(2);
    }

    @Test
    void readsAMessageWhateverItsBodyIs() throws Exception {
        Message msg = new DefaultExchange(new DefaultCamelContext()).getMessage();

        msg.setBody("{\"c\":\"é\"}");
        assertThat(BufferJson.tree(json, msg).path("c").asText()).isEqualTo("é");
        msg.setBody("{\"d\":4}".getBytes(StandardCharsets.UTF_8));
        assertThat(BufferJson.tree(json, msg).path("d").asInt()).isEqualTo(4);
        msg.setBody(Buffer.buffer("{\"e\":5}"));
        assertThat(BufferJson.tree(json, msg).path("e").asInt()).isEqualTo(5);
        msg.setBody(null);
        assertThat(BufferJson.tree(json, msg).isMissingNode()).isTrue();
    }
}
