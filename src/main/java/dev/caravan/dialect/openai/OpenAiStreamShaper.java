package dev.caravan.dialect.openai;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.upstream.StreamShaper;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Turns Google's SSE stream into OpenAI's chat.completion.chunk stream as it arrives: each complete Gemini
 * event becomes the chunks the translator makes of it, framed as SSE; the end adds the closing chunks and
 * {@code [DONE]}. One per stream; not thread-safe (the relay calls it one chunk at a time).
 */
public final class OpenAiStreamShaper implements StreamShaper {

    private static final Buffer EMPTY = Buffer.buffer(0);

    private final ObjectMapper json;
    private final OpenAiStreamTranslator translator;
    private final SseEventParser events = new SseEventParser();
    private String failure;

    public OpenAiStreamShaper(ObjectMapper json, OpenAiStreamTranslator translator) {
        this.json = json;
        this.translator = translator;
    }

    @Override
    public String contentType(String upstreamContentType) {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public Buffer chunk(Buffer upstream) {
        ByteBuf buf = upstream.getByteBuf();
        List<String> data = buf.hasArray()
                ? events.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
                : events.feed(upstream.getBytes());
        return data.isEmpty() ? EMPTY : translate(data, false);
    }

    @Override
    public Buffer end() {
        // an event Google did not close with a blank line is still part of the answer: translate it before finishing
        List<String> last = events.end();
        return translate(last, true);
    }

    @Override
    public Buffer error(int code, String googleStatus, String message) {
        if (translator.finished()) {
            // the client already has the chunk that ended the stream (Google's own error): only [DONE] is missing
            return Buffer.buffer(OpenAiStreamTranslator.DONE);
        }
        return Buffer.buffer(OpenAiStreamTranslator.frame(translator.error(code, message)) + OpenAiStreamTranslator.DONE);
    }

    @Override
    public String heartbeat() {
        return SSE_COMMENT;
    }

    @Override
    public String failure() {
        return failure;
    }

    /** The chunks for some Gemini events; with {@code closing}, then the closing chunks and {@code [DONE]}. */
    private Buffer translate(List<String> data, boolean closing) {
        StringBuilder out = new StringBuilder();
        for (String d : data) {
            if (d.isBlank() || "[DONE]".equals(d.trim()) || translator.finished()) {
                continue;
            }
            try {
                for (String chunk : translator.onEvent(json.readTree(d))) {
                    out.append(OpenAiStreamTranslator.frame(chunk));
                }
                if (translator.finished()) {
                    // only an error event ends the translation before the stream's end
                    failure = "Google ended the stream with an error event";
                }
            } catch (java.io.IOException notJson) {
                // Google sent an event that is not JSON: nothing a client could use
            }
        }
        if (closing) {
            for (String chunk : translator.finish()) {
                out.append(OpenAiStreamTranslator.frame(chunk));
            }
            out.append(OpenAiStreamTranslator.DONE);
        }
        return out.isEmpty() ? EMPTY : Buffer.buffer(out.toString());
    }
}
