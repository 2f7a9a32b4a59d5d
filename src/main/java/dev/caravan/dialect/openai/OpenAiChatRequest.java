package dev.caravan.dialect.openai;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.upstream.RequestContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads an OpenAI chat completion request and sets up the Gemini call it becomes: path, translated body, and
 * for streams the translator that shapes Google's events into OpenAI chunks. Thread-safe.
 */
public final class OpenAiChatRequest implements Processor {

    /** The exchange property that keeps the translated request for the reply step. */
    public static final String PROPERTY = "caravanOpenAiChat";

    private final ObjectMapper json;
    private final OpenAiToGemini toGemini;
    private final GeminiToOpenAi fromGemini;
    private final Supplier<JsonNode> safetySettings;

    /** @param safetySettings the operator's SAFETY_SETTINGS (null or empty: none), read for each request */
    public OpenAiChatRequest(ObjectMapper json, OpenAiToGemini toGemini, GeminiToOpenAi fromGemini,
                             Supplier<JsonNode> safetySettings) {
        this.json = json;
        this.toGemini = toGemini;
        this.fromGemini = fromGemini;
        this.safetySettings = safetySettings;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        RequestContext ctx = IncomingRequest.open(exchange, "openai");
        IncomingRequest.requireMethod(in, HttpMethod.POST);
        GeminiChatRequest chat = toGemini.translate(IncomingRequest.jsonObject(json, in));
        JsonNode safety = safetySettings.get();
        if (safety != null && !safety.isEmpty() && !chat.body().has("safetySettings")) {
            // gemini-balance's SAFETY_SETTINGS: OpenAI has no such field, so the operator's choice applies
            chat.body().set("safetySettings", safety.deepCopy());
        }
        ctx.target(chat.model(), HttpMethod.POST, chat.path(), chat.query(), Buffer.buffer(json.writeValueAsBytes(chat.body())));
        if (chat.stream()) {
            ctx.streamThrough(new OpenAiStreamShaper(json, fromGemini.stream(chat.requestedModel(), chat.includeUsage())));
        }
        exchange.setProperty(PROPERTY, chat);
    }
}
