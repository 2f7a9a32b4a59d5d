package dev.caravan.dialect.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.StreamShaper;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
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
    private final StreamedImages images;
    private final org.apache.camel.Exchange request;
    private String failure;
    /** What the last chunk() or end() left to come once its images are hosted, or null. */
    private Future<Buffer> later;
    private int imageCount;

    public OpenAiStreamShaper(ObjectMapper json, OpenAiStreamTranslator translator) {
        this(json, translator, null, null);
    }

    /**
     * @param images  hosts each image of the stream before the chunk that shows it is written (UPLOAD_PROVIDER), or
     *                null to answer images as data URLs
     * @param request the request whose stream this is (an upload's failure is noted on it)
     */
    public OpenAiStreamShaper(ObjectMapper json, OpenAiStreamTranslator translator, StreamedImages images,
                              org.apache.camel.Exchange request) {
        this.json = json;
        this.translator = translator;
        this.images = images;
        this.request = request;
    }

    @Override
    public String contentType(String upstreamContentType) {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public Buffer chunk(Buffer upstream) {
        later = null;
        ByteBuf buf = BufferJson.bytes(upstream);
        List<String> data = buf.hasArray()
                ? events.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
                : events.feed(upstream.getBytes());
        return data.isEmpty() ? EMPTY : translate(data, false);
    }

    @Override
    public Buffer end() {
        // an event Google did not close with a blank line is still part of the answer: translate it before finishing
        later = null;
        List<String> last = events.end();
        return translate(last, true);
    }

    @Override
    public Future<Buffer> later() {
        return later;
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

    /**
     * The chunks for some Gemini events; with {@code closing}, then the closing chunks and {@code [DONE]}. From the
     * first event that carries an image to host on, the chunks come {@link #later}, once its images are hosted.
     */
    private Buffer translate(List<String> data, boolean closing) {
        StringBuilder out = new StringBuilder();
        Future<Buffer> rest = translateFrom(data, 0, closing, out);
        Buffer now = out.isEmpty() ? EMPTY : Buffer.buffer(out.toString());
        if (rest != null && rest.succeeded()) {
            // nothing had to wait after all (no upload was due): one answer, as a shaper without images gives
            return now.length() == 0 ? rest.result() : now.copy().appendBuffer(rest.result());
        }
        later = rest;
        return now;
    }

    /** Translates {@code data} from {@code from} into {@code out}; the rest's bytes, or null when nothing waits. */
    private Future<Buffer> translateFrom(List<String> data, int from, boolean closing, StringBuilder out) {
        for (int i = from; i < data.size(); i++) {
            String d = data.get(i);
            if (d.isBlank() || "[DONE]".equals(d.trim()) || translator.finished()) {
                continue;
            }
            JsonNode event;
            try {
                event = json.readTree(d);
            } catch (java.io.IOException notJson) {
                // Google sent an event that is not JSON: the answer can no longer be trusted whole, so the client
                // reads an error where it would otherwise take what came as complete
                failure = "Google sent a stream event that is not JSON";
                out.append(OpenAiStreamTranslator.frame(translator.error(502,
                        "Google sent a stream event that could not be read")));
                continue;
            }
            List<ObjectNode> inline = images == null ? List.of() : inlineImages(event);
            if (!inline.isEmpty()) {
                int next = i + 1;
                return host(inline, 0).compose(v -> {
                    StringBuilder rest = new StringBuilder();
                    translateEvent(event, rest);
                    Future<Buffer> more = translateFrom(data, next, closing, rest);
                    Buffer now = Buffer.buffer(rest.toString());
                    return more == null ? Future.succeededFuture(now) : more.map(now::appendBuffer);
                });
            }
            translateEvent(event, out);
        }
        if (closing) {
            for (String chunk : translator.finish()) {
                out.append(OpenAiStreamTranslator.frame(chunk));
            }
            out.append(OpenAiStreamTranslator.DONE);
        }
        return null;
    }

    private void translateEvent(JsonNode event, StringBuilder out) {
        if (translator.finished()) {
            return;
        }
        for (String chunk : translator.onEvent(event)) {
            out.append(OpenAiStreamTranslator.frame(chunk));
        }
        if (translator.finished()) {
            // only an error event ends the translation before the stream's end
            failure = "Google ended the stream with an error event";
        }
    }

    /**
     * Hosts {@code inline.get(from)} and the rest, one after the other: each hosted image's part becomes a
     * {@code fileData} part with the link (shown as a link); an image the host did not take stays inline.
     */
    private Future<Void> host(List<ObjectNode> inline, int from) {
        if (from == inline.size()) {
            return Future.succeededFuture();
        }
        ObjectNode part = inline.get(from);
        JsonNode data = part.has("inlineData") ? part.get("inlineData") : part.get("inline_data");
        String mime = Json.nestedText(data, "mimeType");
        if (mime == null) {
            mime = Json.nestedText(data, "mime_type");
        }
        String type = mime == null ? "image/png" : mime;
        return images.link(request, type, data.get("data").asText(), imageCount++).compose(link -> {
            if (link != null) {
                part.remove(List.of("inlineData", "inline_data"));
                part.putObject("fileData").put("mimeType", type).put("fileUri", link);
            }
            return host(inline, from + 1);
        });
    }

    /** The parts of {@code event} that carry an image's bytes. */
    private static List<ObjectNode> inlineImages(JsonNode event) {
        List<ObjectNode> out = new java.util.ArrayList<>(0);
        for (JsonNode candidate : event.path("candidates")) {
            for (JsonNode part : candidate.path("content").path("parts")) {
                JsonNode data = part.has("inlineData") ? part.get("inlineData") : part.get("inline_data");
                if (part instanceof ObjectNode p && data != null && data.hasNonNull("data")) {
                    String mime = data.hasNonNull("mimeType") ? data.get("mimeType").asText()
                            : data.path("mime_type").asText("image/png");
                    if (mime.startsWith("image/")) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }
}
