package dev.caravan.http;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import org.apache.camel.Message;

/**
 * JSON read where a body already is: a Vert.x buffer backed by an array (as platform-http's bodies and the upstream
 * client's answers are) is parsed in place, with no copy of its bytes; any other buffer, and a body of another type,
 * as its bytes. JSON written for a body goes into a buffer as Jackson's bytes, also without a copy. Stateless.
 */
public final class BufferJson {

    private BufferJson() {
    }

    /**
     * The Netty buffer that holds {@code body}'s bytes, to read them in place: Vert.x's own buffer class hands over
     * the one it holds, where {@link Buffer#getByteBuf()} makes a slice of it (and, for a wrapped array, a wrapper
     * around that) on every call, two of the objects every request allocates (bench/alloc.sh). For reading only: the
     * caller must not move its indexes, write to it or release it.
     */
    public static ByteBuf bytes(Buffer body) {
        return body instanceof BufferImpl held ? held.byteBuf() : body.getByteBuf();
    }

    /** A parser over {@code body}'s bytes. */
    public static JsonParser parser(JsonFactory json, Buffer body) throws IOException {
        ByteBuf buf = bytes(body);
        return buf.hasArray()
                ? json.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
                : json.createParser(body.getBytes());
    }

    /** The tree of {@code body}; JSON's missing node when it holds none. */
    public static JsonNode tree(ObjectMapper json, Buffer body) throws IOException {
        try (JsonParser p = parser(json.getFactory(), body)) {
            JsonNode tree = json.readTree(p);
            return tree == null ? json.missingNode() : tree;
        }
    }

    /**
     * The tree of a message's body: a buffer in place, anything else as Camel converts it to bytes (a byte array as it
     * is, text as UTF-8); a missing body reads as JSON's missing node.
     */
    public static JsonNode tree(ObjectMapper json, Message msg) throws IOException {
        if (msg.getBody() instanceof Buffer b) {
            return tree(json, b);
        }
        byte[] bytes = msg.getBody(byte[].class);
        return bytes == null ? json.missingNode() : json.readTree(bytes);
    }

    /**
     * {@code value} as JSON in a buffer that holds Jackson's bytes as they are: {@code Buffer.buffer(byte[])} would
     * copy them once more (bench/alloc.sh: each translated request and answer cost its size again).
     */
    public static Buffer write(ObjectMapper json, Object value) throws JsonProcessingException {
        return wrap(json.writeValueAsBytes(value));
    }

    /** JSON written straight to a generator, for {@link #written}. */
    @FunctionalInterface
    public interface Writing {
        void writeTo(JsonGenerator out) throws IOException;
    }

    /**
     * The bytes {@code writing} writes, as {@code writeValueAsBytes} makes them (Jackson's recycled buffers, one array
     * of the exact length), for JSON written from wherever its values are without a tree built for it first.
     */
    public static byte[] written(ObjectMapper json, Writing writing) {
        BufferRecycler recycler = json.getFactory()._getBufferRecycler();
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator out = json.createGenerator(bytes, JsonEncoding.UTF8)) {
                writing.writeTo(out);
            }
            byte[] written = bytes.toByteArray();
            bytes.release();
            return written;
        } catch (IOException e) {
            // a generator that writes into memory has nothing to fail on but the writer's own mistakes
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    /** A buffer over {@code bytes}, not a copy of them; appending to it later moves them to a buffer of its own. */
    public static Buffer wrap(byte[] bytes) {
        return BufferImpl.buffer(Unpooled.wrappedBuffer(bytes));
    }
}
