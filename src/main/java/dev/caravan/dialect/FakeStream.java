package dev.caravan.dialect;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import dev.caravan.upstream.InStreamError;
import dev.caravan.upstream.StreamHeartbeat;
import dev.caravan.upstream.StreamShaper;
import dev.caravan.upstream.StreamTranslation;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/**
 * gemini-balance's fake streaming (FAKE_STREAM_ENABLED), as two steps around {@code direct:upstream-call}: this one
 * turns a client's SSE stream into one whole {@code generateContent} call to Google and starts heartbeats on the
 * client's connection every FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS; {@link Reply} then writes Google's whole
 * answer to the stream as one event, through the stream's own translation (so the OpenAI surface gets its chunks,
 * finish reason, usage and {@code [DONE]}). A failure before the first heartbeat is an ordinary HTTP error; after
 * it, the stream's last event. Streams without room for a heartbeat (Google's streamed JSON array) stay real streams.
 * Thread-safe.
 */
public final class FakeStream implements Processor {

    /** The exchange property that carries a fake stream from this step to {@link Reply}. */
    static final String PROPERTY = "caravanFakeStream";
    /**
     * Exchange property: this stream is served as a fake one whatever FAKE_STREAM_ENABLED says, because its answer is
     * put together from several whole calls ({n:K} on the image chat model).
     */
    public static final String FORCE = "caravanFakeStreamForced";
    private static final String STREAM_ACTION = ":streamGenerateContent";
    private static final String DEFAULT_TRANSLATION = "geminiStream";

    /** A fake stream in progress: how its events are shaped, its heartbeats, the client's connection. */
    record State(StreamShaper shaper, StreamHeartbeat heartbeat, HttpServerResponse out) {
    }

    private final Vertx vertx;
    private final Registry registry;
    private final UpstreamRequest.ClientResponses clients;
    private final BooleanSupplier enabled;
    private final IntSupplier intervalSeconds;

    /**
     * @param enabled         FAKE_STREAM_ENABLED in force (read per request: the admin page may change it)
     * @param intervalSeconds FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS in force
     */
    public FakeStream(Vertx vertx, Registry registry, UpstreamRequest.ClientResponses clients, BooleanSupplier enabled,
                      IntSupplier intervalSeconds) {
        this.vertx = vertx;
        this.registry = registry;
        this.clients = clients;
        this.enabled = enabled;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        boolean on = enabled.getAsBoolean() || exchange.getProperty(FORCE, false, Boolean.class);
        if (!on || !Boolean.TRUE.equals(in.getHeader(Upstream.STREAM, Boolean.class))) {
            return;
        }
        String path = in.getHeader(Upstream.PATH, String.class);
        HttpServerResponse out = clients.of(exchange);
        if (path == null || !path.endsWith(STREAM_ACTION) || out == null) {
            return;
        }
        String name = in.getHeader(Upstream.STREAM_TRANSLATION, DEFAULT_TRANSLATION, String.class);
        StreamTranslation translation = registry.lookupByNameAndType(name, StreamTranslation.class);
        if (translation == null) {
            throw new IllegalStateException("no stream translation named " + name + " (" + Upstream.STREAM_TRANSLATION + ")");
        }
        StreamShaper shaper = translation.open(exchange);
        if (shaper.heartbeat() == null) {
            // Google's streamed JSON array has no room for a heartbeat: a real stream serves it better
            return;
        }
        in.setHeader(Upstream.PATH, path.substring(0, path.length() - STREAM_ACTION.length()) + ":generateContent");
        String query = withoutAltSse(in.getHeader(Upstream.QUERY, String.class));
        if (query == null) {
            in.removeHeader(Upstream.QUERY);
        } else {
            in.setHeader(Upstream.QUERY, query);
        }
        in.removeHeader(Upstream.STREAM);
        StreamHeartbeat hb = StreamHeartbeat.start(vertx, out, shaper, intervalSeconds.getAsInt() * 1000L, exchange);
        exchange.setProperty(PROPERTY, new State(shaper, hb, out));
    }

    /** The query without {@code alt=sse}, which asks Google for a stream; null when nothing else is left. */
    static String withoutAltSse(String query) {
        if (query == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty() && !pair.equals("alt=sse")) {
                if (!kept.isEmpty()) {
                    kept.append('&');
                }
                kept.append(pair);
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    /**
     * After {@code direct:upstream-call}: a fake stream's answer, written to the client's stream as one event; or its
     * failure as the stream's last event once a heartbeat sent the head (before that, the error answer is left to
     * the route's usual error steps). Does nothing for a request that is no fake stream. Thread-safe.
     */
    public static final class Reply implements Processor {
        private final InStreamError errors;

        public Reply(InStreamError errors) {
            this.errors = errors;
        }

        @Override
        public void process(Exchange exchange) {
            State state = exchange.getProperty(PROPERTY, State.class);
            if (state == null) {
                return;
            }
            exchange.removeProperty(PROPERTY);
            boolean headSent = state.heartbeat() != null && state.heartbeat().stop();
            Message msg = exchange.getMessage();
            if (Upstream.RELAYED.equals(msg.getHeader(Upstream.OUTCOME))) {
                // the client left: nothing to write to
                return;
            }
            HttpServerResponse out = state.out();
            if (Upstream.answeredWell(msg)) {
                StreamShaper shaper = state.shaper();
                Buffer events = shaper.chunk(asSseEvent(Upstream.bodyBytes(msg)));
                Buffer tail = shaper.end();
                if (!out.ended() && !out.closed()) {
                    try {
                        if (!out.headWritten()) {
                            out.setStatusCode(200).setChunked(true);
                            out.putHeader("content-type", shaper.contentType("text/event-stream"));
                        }
                        out.write(events);
                        out.end(tail);
                    } catch (IllegalStateException closedMeanwhile) {
                        // the client left while the answer was written
                    }
                }
                msg.setBody(null);
                msg.removeHeader(Exchange.CONTENT_TYPE);
                msg.setHeader(Upstream.OUTCOME, Upstream.RELAYED);
                return;
            }
            if (headSent) {
                errors.end(msg, out, state.shaper());
            }
        }

        /**
         * Google's whole answer as one SSE event, as its stream would carry it. Its JSON is pretty-printed; every line
         * break in JSON is whitespace (a string cannot hold a raw one), so dropping them leaves the same JSON on the
         * single line an SSE data field must be.
         */
        static Buffer asSseEvent(byte[] answer) {
            Buffer event = Buffer.buffer(answer.length + 10).appendString("data: ");
            int from = 0;
            for (int i = 0; i < answer.length; i++) {
                if (answer[i] == '\n' || answer[i] == '\r') {
                    event.appendBytes(answer, from, i - from);
                    from = i + 1;
                }
            }
            event.appendBytes(answer, from, answer.length - from);
            return event.appendString("\r\n\r\n");
        }
    }
}
