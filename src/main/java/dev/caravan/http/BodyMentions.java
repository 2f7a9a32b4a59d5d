package dev.caravan.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
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

    private final List<Word> words;

    public BodyMentions(String... words) {
        this.words = java.util.Arrays.stream(words).map(Word::new).toList();
    }

    @Override
    public boolean matches(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return false;
        }
        if (body instanceof Buffer buffer) {
            return in(buffer);
        }
        String text = body instanceof String s ? s
                : body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
        return text == null || in(text);
    }

    /** Whether {@code text} holds any of the words. */
    public boolean in(String text) {
        for (Word w : words) {
            if (text.contains(w.text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the readable bytes of {@code buffer} hold any of the words. */
    public boolean in(Buffer buffer) {
        ByteBuf b = BufferJson.bytes(buffer);
        for (Word w : words) {
            if (w.in(b)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A word and the byte its search scans for. Netty's general substring search costs a bounds-checked read per body
     * byte, which showed as 5% of the gateway's CPU at concurrency 64; scanning for one byte is Netty's fast path,
     * and only its few hits are compared in full. The anchor is the word's first capital, digit or underscore,
     * since those are rare in prompts and JSON (a quote, the commonest byte of JSON, never is one); a word without
     * any is anchored on its first byte that is not a quote.
     */
    private static final class Word {
        final String text;
        final byte[] bytes;
        final int anchor;

        Word(String text) {
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.UTF_8);
            int a = -1;
            for (int i = 0; i < bytes.length && a < 0; i++) {
                byte c = bytes[i];
                if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                    a = i;
                }
            }
            for (int i = 0; i < bytes.length && a < 0; i++) {
                if (bytes[i] != '"') {
                    a = i;
                }
            }
            this.anchor = Math.max(0, a);
        }

        boolean in(ByteBuf b) {
            int start = b.readerIndex();
            int end = b.writerIndex();
            int last = end - (bytes.length - anchor) + 1; // the anchor's last possible place, exclusive
            int i = start + anchor;
            while (i < last) {
                int hit = b.indexOf(i, last, bytes[anchor]);
                if (hit < 0) {
                    return false;
                }
                if (matchesAt(b, hit - anchor)) {
                    return true;
                }
                i = hit + 1;
            }
            return false;
        }

        private boolean matchesAt(ByteBuf b, int at) {
            for (int k = 0; k < bytes.length; k++) {
                if (b.getByte(at + k) != bytes[k]) {
                    return false;
                }
            }
            return true;
        }
    }
}
