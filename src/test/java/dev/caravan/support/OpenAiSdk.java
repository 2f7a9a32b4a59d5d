package dev.caravan.support;

import java.time.Duration;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** OpenAI's official Java SDK (com.openai:openai-java) as a client of the gateway under test. */
public final class OpenAiSdk {

    private OpenAiSdk() {
    }

    /**
     * One SDK client per test class, opened after the gateway (register it after the gateway's extension) and closed
     * with the class.
     */
    public static Session session(Gateway gateway) {
        return new Session(gateway);
    }

    /** The class's SDK client, as a JUnit extension. */
    public static final class Session implements BeforeAllCallback, AfterAllCallback {
        private final Gateway gateway;
        private OpenAIClient client;

        private Session(Gateway gateway) {
            this.gateway = gateway;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            client = OpenAiSdk.client(gateway);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            client.close();
        }

        public OpenAIClient client() {
            return client;
        }
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
