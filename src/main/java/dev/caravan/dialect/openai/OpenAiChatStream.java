package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.upstream.StreamShaper;
import dev.caravan.upstream.StreamTranslation;
import org.apache.camel.Exchange;

/**
 * The {@code openAiChatStream} translation: each Gemini event of a relayed stream becomes OpenAI
 * {@code chat.completion.chunk} events, for the chat request {@link OpenAiChatRequest} translated. Thread-safe.
 */
public final class OpenAiChatStream implements StreamTranslation {

    private final ObjectMapper json;
    private final GeminiToOpenAi fromGemini;
    private final StreamedImages images;

    public OpenAiChatStream(ObjectMapper json, GeminiToOpenAi fromGemini) {
        this(json, fromGemini, null);
    }

    /** @param images hosts each streamed image before its chunk is written (UPLOAD_PROVIDER), or null for data URLs */
    public OpenAiChatStream(ObjectMapper json, GeminiToOpenAi fromGemini, StreamedImages images) {
        this.json = json;
        this.fromGemini = fromGemini;
        this.images = images;
    }

    @Override
    public StreamShaper open(Exchange exchange) {
        GeminiChatRequest chat = exchange.getProperty(OpenAiChatRequest.PROPERTY, GeminiChatRequest.class);
        if (chat == null) {
            throw new IllegalStateException("openAiChatStream translates chat completions: run openAiChatRequest first");
        }
        return new OpenAiStreamShaper(json, fromGemini.stream(chat.requestedModel(), chat.includeUsage()), images,
                exchange);
    }
}
