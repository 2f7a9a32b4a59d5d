package dev.caravan.support;

import java.time.Duration;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

/** OpenAI's official Java SDK (com.openai:openai-java) as a client of the gateway under test. */
public final class OpenAiSdk {

    private OpenAiSdk() {
    }

    /**
     * The SDK pointed at the gateway's {@code /v1} with the client token as its API key. Its own retries are off, so
     * every call the stub records was made once by the gateway, not repeated by the SDK.
     */
    public static OpenAIClient client(Gateway gateway) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gateway.url("/v1"))
                .apiKey(Gateway.TOKEN)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    /** The SDK talking to the stub itself: shows the exact bytes the SDK sends, since the stub records them. */
    public static OpenAIClient direct(StubGemini stub) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(stub.baseUrl().replaceFirst("/v1beta$", "/v1"))
                .apiKey("not-a-gateway-token")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
