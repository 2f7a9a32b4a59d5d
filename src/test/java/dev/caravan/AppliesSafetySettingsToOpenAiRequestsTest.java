package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SAFETY_SETTINGS (gemini-balance's name) reaches Google with translated OpenAI requests, never native ones. */
class AppliesSafetySettingsToOpenAiRequestsTest {

    private static final String SAFETY =
            "[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"OFF\"},"
                    + "{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"threshold\":\"BLOCK_ONLY_HIGH\"}]";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("safety-key").set("caravan.safety-settings", SAFETY);

    @Test
    void addsTheOperatorsSafetySettingsToATranslatedChat() throws Exception {
        gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));

        JsonNode sent = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(sent.path("safetySettings")).isEqualTo(JSON.readTree(SAFETY));
    }

    @Test
    void leavesANativeGeminiBodyAsTheClientSentIt() throws Exception {
        String body = Gateway.prompt("hi");

        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(gateway.stub().received().get(0).bodyText()).isEqualTo(body);
    }
}
