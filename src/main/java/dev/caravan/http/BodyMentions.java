package dev.caravan.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Whether the message body mentions any of a few words: one byte search in the body as it is (a Vert.x buffer, a
 * string or bytes), no parsing, no copy. The routes of the event-loop endpoints use it to send only the requests that
 * need a blocking step (a file lookup in the database, an image URL to fetch) to a worker thread; a body of another
 * kind (a stream not read yet) counts as mentioning them, so the blocking step never lands on an event loop.
 * Thread-safe: immutable.
 */
public final class BodyMentions implements Predicate {

    private final List<ByteBuf> needles;
    private final List<String> words;

    public BodyMentions(String... words) {
        this.words = List.of(words);
        this.needles = this.words.stream()
                .map(w -> Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(w, StandardCharsets.UTF_8))).toList();
    }

    @Override
    public boolean matches(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return false;
        }
        if (body instanceof Buffer buffer) {
            ByteBuf b = buffer.getByteBuf();
            for (ByteBuf needle : needles) {
                if (ByteBufUtil.indexOf(needle.duplicate(), b) >= 0) {
                    return true;
                }
            }
            return false;
        }
        String text = body instanceof String s ? s
                : body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
        if (text == null) {
            return true;
        }
        for (String w : words) {
            if (text.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
