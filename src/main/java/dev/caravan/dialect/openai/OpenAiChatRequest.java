package dev.caravan.dialect.openai;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads an OpenAI chat completion request and sets up the Gemini call it becomes: the translated body and the
 * upstream contract's headers ({@link Upstream}), {@code CaravanStream} when the client asked for a stream. The
 * translated request stays on the exchange for {@link OpenAiChatStream} and {@link OpenAiChatReply}. Thread-safe.
 */
public final class OpenAiChatRequest implements Processor {

    /** The exchange property that keeps the translated request for the stream translation and the reply step. */
    static final String PROPERTY = "caravanOpenAiChat";

    private final ObjectMapper json;
    private final OpenAiToGemini toGemini;
    private final Supplier<JsonNode> safetySettings;

    /** @param safetySettings the operator's SAFETY_SETTINGS (null or empty: none), read for each request */
    public OpenAiChatRequest(ObjectMapper json, OpenAiToGemini toGemini, Supplier<JsonNode> safetySettings) {
        this.json = json;
        this.toGemini = toGemini;
        this.safetySettings = safetySettings;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        IncomingRequest.requireMethod(in, HttpMethod.POST);
        GeminiChatRequest chat = toGemini.translate(IncomingRequest.jsonObject(json, in));
        JsonNode safety = safetySettings.get();
        if (safety != null && !safety.isEmpty() && !chat.body().has("safetySettings")) {
            // gemini-balance's SAFETY_SETTINGS: OpenAI has no such field, so the operator's choice applies
            chat.body().set("safetySettings", safety.deepCopy());
        }
        Upstream.call(in, chat.model(), "POST", chat.path(), chat.query());
        if (chat.stream()) {
            in.setHeader(Upstream.STREAM, Boolean.TRUE);
        }
        in.setBody(BufferJson.write(json, chat.body()));
        exchange.setProperty(PROPERTY, chat);
    }
}
