package dev.caravan.dialect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images in Google's answer, one by one, for a route's own step (README "Change the flow"): as a filter it
 * tells whether the answer has any (a byte search when it has none); as a split expression it gives one message
 * per generated image (body: the image's bytes; headers
 * {@value #MIME_TYPE} and {@value #INDEX}); {@link #keep} takes each back after the route's step, which may have
 * changed the bytes or set {@value #URL} to where it hosted the image; as a processor it puts the images, as
 * changed, back into the answer (a hosted image becomes a {@code fileData} part with its URL, which the OpenAI
 * translation shows as a link). An answer without images costs a byte search. Thread-safe.
 */
public final class GeneratedImages implements Predicate, Expression, Processor {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedImages.class);
    /** The image's MIME type, e.g. image/png; a step may change it with the bytes. */
    public static final String MIME_TYPE = "CaravanImageMimeType";
    /** The image's position among the answer's images, from 0. */
    public static final String INDEX = "CaravanImageIndex";
    /** Set by a step that hosted the image: its http(s) address, which replaces the inline bytes. */
    public static final String URL = "CaravanImageUrl";
    /** Set by the image-host route when the upload failed: why (no secret, no URL); the image stays inline. */
    public static final String HOST_FAILURE = "CaravanImageHostFailure";
    /**
     * The exchange property that gathers a request's upload failures, for its error-log row: the client got those
     * images inline instead of as links.
     */
    public static final String HOST_FAILURES = "caravanImageHostFailures";
    /** Exchange property: the client asked for the images' bytes (b64_json), so no image host is to take them. */
    public static final String KEEP_INLINE = "caravanImagesInline";
    private static final String STATE = "caravanGeneratedImages";
    private static final dev.caravan.http.BodyMentions MARKERS = new dev.caravan.http.BodyMentions("\"inlineData\"",
            "\"inline_data\"", "\"bytesBase64Encoded\"");
    /** An address a client can follow, with nothing that could break out of a markdown link or a JSON string. */
    private static final Pattern ADDRESS = Pattern.compile("https?://[^\\s()<>\"'\\\\]{1,2048}");

    private final ObjectMapper json;

    public GeneratedImages(ObjectMapper json) {
        this.json = json;
    }

    /** The answer being taken apart, shared by the split's copies of the exchange. */
    private static final class State {
        final JsonNode answer;
        final List<ObjectNode> images = new ArrayList<>();
        List<Message> messages = List.of();
        final List<String> hostFailures = new ArrayList<>(0);
        boolean changed;

        State(JsonNode answer) {
            this.answer = answer;
        }
    }

    @Override
    public void init(CamelContext context) {
        // nothing to prepare: Predicate and Expression both declare this hook
    }

    /**
     * As a filter: whether the answer carries images (a byte search when it does not); takes them apart for the
     * split that follows.
     */
    @Override
    public boolean matches(Exchange exchange) {
        return !split(exchange).isEmpty();
    }

    /** As the split's expression: one message per image, taken apart by {@link #matches} (or now). */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        State state = exchange.getProperty(STATE, State.class);
        return (T) (state != null ? state.messages : split(exchange));
    }

    private List<Message> split(Exchange exchange) {
        Message in = exchange.getMessage();
        if (!Upstream.answeredWell(in)) {
            return List.of();
        }
        // the search reads Google's buffer where it lies; only an answer with images is copied and parsed
        Buffer answer = in.getBody() instanceof Buffer b ? b : bufferOf(Upstream.bodyBytes(in));
        if (answer == null || !hasImage(answer)) {
            return List.of();
        }
        byte[] body = answer.getBytes();
        State state;
        try {
            state = new State(json.readTree(body));
        } catch (Exception notJson) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        CamelContext context = exchange.getContext();
        for (JsonNode candidate : state.answer.path("candidates")) {
            for (JsonNode part : candidate.path("content").path("parts")) {
                JsonNode inline = part.has("inlineData") ? part.get("inlineData") : part.get("inline_data");
                if (inline instanceof ObjectNode image && image.hasNonNull("data")) {
                    out.add(message(context, state, image, text(image, "mimeType", "mime_type"), image.get("data").asText()));
                }
            }
        }
        for (JsonNode prediction : state.answer.path("predictions")) {
            if (prediction instanceof ObjectNode p && p.hasNonNull("bytesBase64Encoded")) {
                out.add(message(context, state, p, text(p, "mimeType", "mime_type"), p.get("bytesBase64Encoded").asText()));
            }
        }
        if (!out.isEmpty()) {
            state.messages = out;
            exchange.setProperty(STATE, state);
        }
        return out;
    }

    private static Message message(CamelContext context, State state, ObjectNode node, String mime, String base64) {
        Message m = new DefaultMessage(context);
        m.setBody(Base64.getDecoder().decode(base64));
        m.setHeader(MIME_TYPE, mime == null ? "image/png" : mime);
        m.setHeader(INDEX, state.images.size());
        state.images.add(node);
        return m;
    }

    /** Takes one image back after the route's step: its new bytes, or the address it is hosted at. */
    public void keep(Exchange exchange) {
        State state = exchange.getProperty(STATE, State.class);
        Message m = exchange.getMessage();
        Integer index = m.getHeader(INDEX, Integer.class);
        if (state == null || index == null || index < 0 || index >= state.images.size()) {
            return;
        }
        String failure = m.getHeader(HOST_FAILURE, String.class);
        if (failure != null) {
            synchronized (state.hostFailures) {
                state.hostFailures.add(failure);
            }
        }
        ObjectNode node = state.images.get(index);
        boolean prediction = node.has("bytesBase64Encoded");
        String mime = m.getHeader(MIME_TYPE, "image/png", String.class);
        String url = m.getHeader(URL, String.class);
        if (url != null && !url.isEmpty()) {
            if (!ADDRESS.matcher(url).matches()) {
                LOG.warn("Ignoring the {} a route set: not an http(s) address", URL);
                return;
            }
            if (prediction) {
                node.remove("bytesBase64Encoded");
                node.put("fileUri", url);
            } else {
                // the inlineData object becomes the part's fileData
                node.removeAll();
                node.put("mimeType", mime).put("fileUri", url);
            }
            state.changed = true;
            return;
        }
        byte[] bytes = m.getBody(byte[].class);
        if (bytes == null) {
            return;
        }
        String base64 = Base64.getEncoder().encodeToString(bytes);
        String field = prediction ? "bytesBase64Encoded" : "data";
        if (!base64.equals(node.path(field).asText())) {
            node.put(field, base64);
            node.put("mimeType", mime);
            state.changed = true;
        }
    }

    /** Puts the images, as the route's step left them, back into the answer. */
    @Override
    public void process(Exchange exchange) throws Exception {
        State state = exchange.getProperty(STATE, State.class);
        if (state == null) {
            return;
        }
        exchange.removeProperty(STATE);
        synchronized (state.hostFailures) {
            if (!state.hostFailures.isEmpty()) {
                // a request that calls Google several times (n images) gathers every call's failures
                String before = exchange.getProperty(HOST_FAILURES, String.class);
                String now = String.join("; ", state.hostFailures);
                exchange.setProperty(HOST_FAILURES, before == null ? now : before + "; " + now);
            }
        }
        if (!state.changed) {
            return;
        }
        // a hosted image's inlineData holds fileUri: its part carries it as fileData, as Google's own parts do
        for (JsonNode candidate : state.answer.path("candidates")) {
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part instanceof ObjectNode p) {
                    JsonNode inline = p.has("inlineData") ? p.get("inlineData") : p.get("inline_data");
                    if (inline != null && inline.has("fileUri")) {
                        p.remove(Arrays.asList("inlineData", "inline_data"));
                        p.set("fileData", inline);
                    }
                }
            }
        }
        exchange.getMessage().setBody(BufferJson.write(json, state.answer));
    }

    private static boolean hasImage(Buffer body) {
        return MARKERS.in(body);
    }

    private static Buffer bufferOf(byte[] bytes) {
        return bytes == null ? null : BufferJson.wrap(bytes);
    }

    private static String text(JsonNode node, String name, String snake) {
        JsonNode v = node.has(name) ? node.get(name) : node.get(snake);
        return v == null || v.isNull() ? null : v.asText();
    }
}
