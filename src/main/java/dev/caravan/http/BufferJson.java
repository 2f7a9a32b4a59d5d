package dev.caravan.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Message;

/**
 * JSON read where a body already is: a Vert.x buffer backed by an array (as platform-http's bodies and the upstream
 * client's answers are) is parsed in place, with no copy of its bytes; any other buffer, and a body of another type,
 * as its bytes. Stateless.
 */
public final class BufferJson {

    private BufferJson() {
    }

    /** A parser over {@code body}'s bytes. */
    public static JsonParser parser(JsonFactory json, Buffer body) throws IOException {
        ByteBuf buf = body.getByteBuf();
        return buf.hasArray()
                ? json.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
                : json.createParser(body.getBytes());
    }

    /** The tree of {@code body}. */
    public static JsonNode tree(ObjectMapper json, Buffer body) throws IOException {
        ByteBuf buf = body.getByteBuf();
        return buf.hasArray()
                ? json.readTree(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
                : json.readTree(body.getBytes());
    }

    /**
     * The tree of a message's body: a buffer in place, bytes and text as they are, anything else as Camel converts it
     * to bytes; a missing body reads as JSON's missing node.
     */
    public static JsonNode tree(ObjectMapper json, Message msg) throws IOException {
        Object body = msg.getBody();
        if (body instanceof Buffer b) {
            return tree(json, b);
        }
        if (body instanceof byte[] b) {
            return json.readTree(b);
        }
        if (body instanceof String s) {
            return json.readTree(s.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = body == null ? null : msg.getBody(byte[].class);
        return bytes == null ? json.missingNode() : json.readTree(bytes);
    }
}
