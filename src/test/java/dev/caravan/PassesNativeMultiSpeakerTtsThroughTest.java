package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.types.Blob;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.MultiSpeakerVoiceConfig;
import com.google.genai.types.PrebuiltVoiceConfig;
import com.google.genai.types.SpeakerVoiceConfig;
import com.google.genai.types.SpeechConfig;
import com.google.genai.types.VoiceConfig;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gemini's native speech generation with two speakers, as Google's SDK sends it: the request reaches Google byte for
 * byte (responseModalities AUDIO, the multi-speaker voice config), with a pool key, and the audio comes back to the
 * SDK as inline data, untouched.
 */
class PassesNativeMultiSpeakerTtsThroughTest {

    private static final String MODEL = "gemini-2.5-flash-preview-tts";
    private static final byte[] PCM = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05};
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("speech-key");

    @Test
    void multiSpeakerConfigReachesGoogleUnchangedAndTheAudioComesBack() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates": [{"content": {"role": "model", "parts": [{"inlineData":
                  {"mimeType": "audio/L16;codec=pcm;rate=24000", "data": "%s"}}]}, "finishReason": "STOP", "index": 0}]}
                """.formatted(Base64.getEncoder().encodeToString(PCM))));
        GenerateContentConfig config = GenerateContentConfig.builder()
                .responseModalities("AUDIO")
                .speechConfig(SpeechConfig.builder().multiSpeakerVoiceConfig(MultiSpeakerVoiceConfig.builder()
                        .speakerVoiceConfigs(speaker("Joe", "Kore"), speaker("Jane", "Puck"))))
                .build();
        String script = "TTS the following conversation between Joe and Jane:\nJoe: How's it going?\nJane: Not bad.";

        GenerateContentResponse res;
        try (Client sdk = client(gateway.url(""), Gateway.TOKEN)) {
            res = sdk.models.generateContent(MODEL, script, config);
        }

        Blob audio = res.candidates().orElseThrow().get(0).content().orElseThrow().parts().orElseThrow().get(0)
                .inlineData().orElseThrow();
        assertThat(audio.mimeType()).hasValue("audio/L16;codec=pcm;rate=24000");
        assertThat(audio.data()).hasValue(PCM);
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.path()).isEqualTo("/v1beta/models/" + MODEL + ":generateContent");
        assertThat(up.key()).isEqualTo("speech-key");
        JsonNode sent = JSON.readTree(up.body());
        assertThat(sent.at("/generationConfig/responseModalities/0").asText()).isEqualTo("AUDIO");
        JsonNode speakers = sent.at("/generationConfig/speechConfig/multiSpeakerVoiceConfig/speakerVoiceConfigs");
        assertThat(speakers).hasSize(2);
        assertThat(speakers.get(0).path("speaker").asText()).isEqualTo("Joe");
        assertThat(speakers.get(0).at("/voiceConfig/prebuiltVoiceConfig/voiceName").asText()).isEqualTo("Kore");
        assertThat(speakers.get(1).at("/voiceConfig/prebuiltVoiceConfig/voiceName").asText()).isEqualTo("Puck");

        // byte for byte what the SDK sends to Google itself
        try (Client direct = client(gateway.stub().baseUrl().replaceFirst("/v1beta$", ""), "speech-key")) {
            direct.models.generateContent(MODEL, script, config);
        }
        assertThat(gateway.stub().received()).hasSize(2);
        assertThat(up.bodyText()).isEqualTo(gateway.stub().received().get(1).bodyText());
    }

    private static SpeakerVoiceConfig speaker(String name, String voice) {
        return SpeakerVoiceConfig.builder().speaker(name)
                .voiceConfig(VoiceConfig.builder().prebuiltVoiceConfig(PrebuiltVoiceConfig.builder().voiceName(voice)))
                .build();
    }

    private static Client client(String baseUrl, String apiKey) {
        return Client.builder().apiKey(apiKey)
                .httpOptions(HttpOptions.builder().baseUrl(baseUrl).apiVersion("v1beta").build()).build();
    }
}
