package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.RequestContext;
import dev.caravan.upstream.TokenUsage;
import dev.caravan.upstream.UpstreamReply;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns Google's successful generateContent answer into an OpenAI chat.completion. Errors and streams were
 * already answered by the upstream reply and the stream relay, so it leaves them alone. Thread-safe.
 */
public final class OpenAiChatReply implements Processor {

    private final ObjectMapper json;
    private final GeminiToOpenAi fromGemini;

    public OpenAiChatReply(ObjectMapper json, GeminiToOpenAi fromGemini) {
        this.json = json;
        this.fromGemini = fromGemini;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            return;
        }
        GeminiChatRequest chat = exchange.getProperty(OpenAiChatRequest.PROPERTY, GeminiChatRequest.class);
        JsonNode answer = OpenAiReplies.googleAnswer(json, exchange.getMessage());
        // the request log takes the token counts from this tree instead of parsing Google's answer once more
        RequestContext context = exchange.getProperty(RequestContext.PROPERTY, RequestContext.class);
        if (context != null) {
            context.usage(TokenUsage.of(answer.get("usageMetadata")));
        }
        byte[] body = fromGemini.chatCompletion(answer, chat.requestedModel());
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, BufferJson.wrap(body));
    }
}
