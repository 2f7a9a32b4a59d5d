package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;

/** {@code POST /v1/embeddings} around the one upstream call: batchEmbedContents in, OpenAI's list out. Thread-safe. */
public final class OpenAiEmbeddingsStep {

    private static final String PROPERTY = "caravanOpenAiEmbed";

    private final ObjectMapper json;
    private final OpenAiEmbeddings embeddings;

    public OpenAiEmbeddingsStep(ObjectMapper json, OpenAiEmbeddings embeddings) {
        this.json = json;
        this.embeddings = embeddings;
    }

    public void prepare(Exchange exchange) throws Exception {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        GeminiEmbedRequest embed = embeddings.toGemini(IncomingRequest.jsonObject(json, exchange.getMessage()));
        Upstream.call(exchange.getMessage(), embed.model(), "POST", embed.path(), null);
        exchange.getMessage().setBody(BufferJson.write(json, embed.body()));
        exchange.setProperty(PROPERTY, embed);
    }

    public void answer(Exchange exchange) throws Exception {
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            return;
        }
        GeminiEmbedRequest embed = exchange.getProperty(PROPERTY, GeminiEmbedRequest.class);
        byte[] body = json.writeValueAsBytes(
                embeddings.toOpenAi(OpenAiReplies.googleAnswer(json, exchange.getMessage()), embed));
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, BufferJson.wrap(body));
    }
}
