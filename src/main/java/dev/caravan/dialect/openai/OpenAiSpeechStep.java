package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;

/**
 * {@code POST /v1/audio/speech} around the one upstream call (routes/speech.camel.yaml): a Gemini TTS
 * generateContent in, the audio out. Thread-safe.
 */
public final class OpenAiSpeechStep {

    private static final String PROPERTY = "caravanOpenAiSpeech";

    private final ObjectMapper json;
    private final OpenAiSpeech speech;

    public OpenAiSpeechStep(ObjectMapper json, OpenAiSpeech speech) {
        this.json = json;
        this.speech = speech;
    }

    public void prepare(Exchange exchange) throws Exception {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        OpenAiSpeech.Speech call = speech.toGemini(IncomingRequest.jsonObject(json, exchange.getMessage()));
        Upstream.call(exchange.getMessage(), call.model(), "POST", call.path(), null);
        exchange.getMessage().setBody(BufferJson.write(json, call.body()));
        exchange.setProperty(PROPERTY, call);
    }

    public void answer(Exchange exchange) throws Exception {
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            return;
        }
        OpenAiSpeech.Speech call = exchange.getProperty(PROPERTY, OpenAiSpeech.Speech.class);
        OpenAiSpeech.Audio audio = speech.toOpenAi(OpenAiReplies.googleAnswer(json, exchange.getMessage()), call);
        UpstreamReply.reply(exchange.getMessage(), 200, audio.contentType(), BufferJson.wrap(audio.bytes()));
    }
}
