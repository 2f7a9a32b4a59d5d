package dev.caravan.dialect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.StreamOptimizerSettings;
import dev.caravan.upstream.PacedStreamShaper;
import dev.caravan.upstream.StreamShaper;
import dev.caravan.upstream.StreamTranslation;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;

/**
 * gemini-balance's stream optimizer (STREAM_OPTIMIZER_ENABLED) as a decorator of a stream translation: while it is
 * on, each text event of Google's SSE stream is re-cut into pieces ({@link GeminiTextEvents}, {@link TextPacing})
 * before the translation it wraps sees them, and the relay writes what the translation makes of each piece apart in
 * time ({@link PacedStreamShaper}). So the same decorator paces the native stream (pieces are Google events) and the
 * OpenAI chat stream (pieces become chat.completion.chunks). While it is off, or for a stream that is no SSE (Google's
 * streamed JSON array), the wrapped translation's own shaper is used: nothing is added. Settings are read at each
 * stream. Thread-safe.
 */
public final class OptimizedStream implements StreamTranslation {

    private final StreamTranslation inner;
    private final GeminiTextEvents events;
    private final Supplier<StreamOptimizerSettings> settings;

    /** @param settings the STREAM_OPTIMIZER_* settings in force */
    public OptimizedStream(StreamTranslation inner, ObjectMapper json, Supplier<StreamOptimizerSettings> settings) {
        this.inner = inner;
        this.events = new GeminiTextEvents(json);
        this.settings = settings;
    }

    @Override
    public StreamShaper open(Exchange exchange) {
        StreamShaper shaper = inner.open(exchange);
        StreamOptimizerSettings s = settings.get();
        if (!s.enabled() || !sse(exchange.getMessage().getHeader(Upstream.QUERY, String.class))) {
            return shaper;
        }
        return new Shaper(shaper, events, new TextPacing(s));
    }

    private static boolean sse(String query) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.equals("alt=sse")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The decorating shaper of one stream. {@link #pieces} re-cuts; {@link #chunk}, the unpaced form (a fake stream's
     * whole answer), passes Google's bytes to the wrapped shaper unchanged. One per stream; not thread-safe.
     */
    static final class Shaper implements PacedStreamShaper {

        /** Larger events are passed on whole: no streamed text delta is that big, images and files are. */
        static final int MAX_EVENT_BYTES = 64 * 1024;

        private final StreamShaper inner;
        private final GeminiTextEvents events;
        private final TextPacing pacing;
        private final SseEventFramer framer = new SseEventFramer();

        Shaper(StreamShaper inner, GeminiTextEvents events, TextPacing pacing) {
            this.inner = inner;
            this.events = events;
            this.pacing = pacing;
        }

        @Override
        public List<Piece> pieces(Buffer upstream) {
            List<Buffer> complete = framer.feed(upstream);
            if (complete.isEmpty()) {
                return List.of();
            }
            List<Piece> out = new ArrayList<>();
            for (Buffer event : complete) {
                GeminiTextEvents.Text text = event.length() <= MAX_EVENT_BYTES ? events.text(data(event)) : null;
                if (text == null) {
                    add(out, inner.chunk(event), 0);
                    continue;
                }
                long pause = pacing.pauseNanos(text.length());
                String end = crlf(event) ? "\r\n\r\n" : "\n\n";
                for (String piece : events.pieces(text, pacing)) {
                    add(out, inner.chunk(Buffer.buffer("data: " + piece + end)), pause);
                }
            }
            return out;
        }

        private static void add(List<Piece> out, Buffer bytes, long pause) {
            if (bytes.length() > 0) {
                out.add(new Piece(bytes, pause));
            }
        }

        @Override
        public Buffer chunk(Buffer upstream) {
            return inner.chunk(upstream);
        }

        @Override
        public Buffer end() {
            // an event Google left without its blank line goes to the wrapped shaper, which knows what to make of it
            Buffer rest = framer.rest();
            Buffer last = rest.length() > 0 ? inner.chunk(rest) : Buffer.buffer();
            return last.length() > 0 ? last.copy().appendBuffer(inner.end()) : inner.end();
        }

        @Override
        public Buffer error(int code, String googleStatus, String message) {
            Buffer rest = framer.rest();
            Buffer partial = rest.length() > 0 ? inner.chunk(rest) : Buffer.buffer();
            Buffer tail = inner.error(code, googleStatus, message);
            return partial.length() > 0 ? partial.copy().appendBuffer(tail) : tail;
        }

        @Override
        public String contentType(String upstreamContentType) {
            return inner.contentType(upstreamContentType);
        }

        @Override
        public String heartbeat() {
            return inner.heartbeat();
        }

        @Override
        public String failure() {
            return inner.failure();
        }

        /** An event's data: its data lines joined by newlines (SSE's rule), for the JSON in it. */
        private static String data(Buffer event) {
            String text = event.toString(StandardCharsets.UTF_8);
            StringBuilder data = new StringBuilder(text.length());
            boolean any = false;
            for (String line : text.split("\r\n|\r|\n")) {
                if (line.startsWith("data:")) {
                    if (any) {
                        data.append('\n');
                    }
                    data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
                    any = true;
                }
            }
            return data.toString();
        }

        private static boolean crlf(Buffer event) {
            int n = event.length();
            return n >= 2 && event.getByte(n - 2) == '\r' && event.getByte(n - 1) == '\n';
        }
    }
}
