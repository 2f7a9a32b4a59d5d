package dev.caravan.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import okhttp3.OkHttpClient;

/**
 * Google's and OpenAI's SDKs streaming through the gateway with a short read timeout: a stream that stays silent
 * longer than {@code readTimeoutMs} fails them, as it fails a proxy with an idle timeout. Each call streams one
 * prompt ("think") to gemini-2.5-flash and returns the texts the SDK read.
 */
public final class ImpatientSdks {

    private ImpatientSdks() {
    }

    /** The text of each chunk Google's Java SDK read from {@code :streamGenerateContent}. */
    public static List<String> geminiStreamTexts(Gateway gateway, long readTimeoutMs) throws Exception {
        OkHttpClient impatient = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(readTimeoutMs)).build();
        Client sdk = Client.builder().apiKey(Gateway.TOKEN)
                .httpOptions(HttpOptions.builder().baseUrl(gateway.url("")).apiVersion("v1beta").build())
                .clientOptions(ClientOptions.builder().customHttpClient(impatient).build())
                .build();
        List<String> texts = new ArrayList<>();
        try (sdk; ResponseStream<GenerateContentResponse> stream = sdk.models.generateContentStream("gemini-2.5-flash",
                "think", null)) {
            for (GenerateContentResponse chunk : stream) {
                texts.add(chunk.text());
            }
        } finally {
            impatient.dispatcher().executorService().shutdown();
            impatient.connectionPool().evictAll();
        }
        return texts;
    }

    /** The content OpenAI's Java SDK read from a streamed chat completion, concatenated. */
    public static String openAiStreamText(Gateway gateway, long readTimeoutMs) {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey(Gateway.TOKEN).maxRetries(0)
                .timeout(Timeout.builder().read(Duration.ofMillis(readTimeoutMs)).request(Duration.ofSeconds(30)).build())
                .build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gemini-2.5-flash").addUserMessage("think").build())) {
            stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(c -> c.delta().content().ifPresent(text::append)));
        } finally {
            sdk.close();
        }
        return text.toString();
    }
}
