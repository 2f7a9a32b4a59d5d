package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.speech.SpeechCreateParams;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's Java SDK speaks through the gateway: /v1/audio/speech becomes one Gemini TTS generateContent call with
 * the voice and the pace in Google's terms, through the pool, and Google's 24 kHz 16-bit PCM comes back as a WAV file
 * that Java's own audio reader takes, or as the same raw samples. Formats that need an encoder are a 400 before any
 * call to Google.
 */
class OpenAiSdkSpeechTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Four samples of 16-bit little-endian PCM, as Google would send them. */
    private static final byte[] PCM = {0x01, 0x00, (byte) 0xff, 0x7f, 0x00, (byte) 0x80, 0x10, 0x20};

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("tts-key-a", "tts-key-b")
            .set("caravan.tts-voice-name", "Leda")
            .set("caravan.tts-speed", "normal");

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @BeforeEach
    void googleSpeaks() {
        gateway.stub().answer(r -> new StubGemini.Json(200, audioAnswer("audio/L16;codec=pcm;rate=24000")));
    }

    @Test
    void openAiVoiceAndModelGetTheConfiguredOnesAndAWavFileComesBack() throws Exception {
        byte[] wav = speak(SpeechCreateParams.builder().model("tts-1").voice(SpeechCreateParams.Voice.ALLOY)
                .input("Hello there").responseFormat(SpeechCreateParams.ResponseFormat.WAV).build());

        try (AudioInputStream audio = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = audio.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(24_000f);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            assertThat(f.getChannels()).isEqualTo(1);
            assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(f.isBigEndian()).isFalse();
            assertThat(audio.readAllBytes()).isEqualTo(PCM);
        }
        assertThat(wav).hasSize(44 + PCM.length);
        StubGemini.Received up = onlyCall();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-preview-tts:generateContent");
        JsonNode sent = JSON.readTree(up.body());
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Hello there");
        assertThat(sent.at("/generationConfig/responseModalities/0").asText()).isEqualTo("AUDIO");
        assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
                .isEqualTo("Leda");
    }

    @Test
    void googleVoiceGeminiModelSpeedAndInstructionsReachGoogleAndPcmIsTheRawSamples() throws Exception {
        byte[] pcm = speak(SpeechCreateParams.builder().model("gemini-2.5-pro-preview-tts").voice("kore")
                .input("Read this").instructions("Cheerfully").speed(2.0)
                .responseFormat(SpeechCreateParams.ResponseFormat.PCM).build());

        assertThat(pcm).isEqualTo(PCM);
        StubGemini.Received up = onlyCall();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-pro-preview-tts:generateContent");
        JsonNode sent = JSON.readTree(up.body());
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Cheerfully. Speak at a fast pace: Read this");
        assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
                .isEqualTo("Kore");
    }

    @Test
    void noFormatIsAWavFileAtTheRateGoogleNames() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, audioAnswer("audio/L16;codec=pcm;rate=16000")));

        var res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/hf/v1/audio/speech")))
                .header("authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"nova\"}")));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat(onlyCall().key()).isIn("tts-key-a", "tts-key-b");
    }

    @Test
    void mp3IsRefusedNamingTheFormatsCaravanProducesBeforeAnyCall() {
        assertThatThrownBy(() -> speak(SpeechCreateParams.builder().model("tts-1").voice(SpeechCreateParams.Voice.ALLOY)
                .input("Hello").responseFormat(SpeechCreateParams.ResponseFormat.MP3).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("mp3").contains("wav").contains("pcm");
                    assertThat(e.param()).hasValue("response_format");
                });
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void anUnknownVoiceOrSpeedIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> speak(SpeechCreateParams.builder().model("tts-1").voice("robot")
                .input("Hello").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("Zephyr"));
        assertThatThrownBy(() -> speak(SpeechCreateParams.builder().model("tts-1").voice("alloy").speed(9.0)
                .input("Hello").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("speed"));
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void quotaOnOneKeyFailsOverAndAnAnswerWithoutAudioIsABadGateway() throws Exception {
        gateway.stub().answerFor("tts-key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")));

        byte[] wav = speak(SpeechCreateParams.builder().model("tts-1").voice("echo").input("Once").build());
        assertThat(wav).startsWith('R', 'I', 'F', 'F');
        speak(SpeechCreateParams.builder().model("tts-1").voice("echo").input("Twice").build());
        assertThat(gateway.stub().keysSeen()).containsOnlyOnce("tts-key-a");

        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("no audio here")));
        assertThatThrownBy(() -> speak(SpeechCreateParams.builder().model("tts-1").voice("echo").input("x").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("no audio");
                });
    }

    private static byte[] speak(SpeechCreateParams params) throws Exception {
        try (HttpResponse res = sdk.client().audio().speech().create(params); InputStream in = res.body()) {
            return in.readAllBytes();
        }
    }

    private static StubGemini.Received onlyCall() {
        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.key()).isIn("tts-key-a", "tts-key-b");
        assertThat(up.headers().toString()).doesNotContain(Gateway.TOKEN);
        return up;
    }

    /** Google's answer to a TTS call: the audio as inline data. */
    private static String audioAnswer(String mime) {
        return """
                {"candidates": [{"content": {"role": "model", "parts": [{"inlineData": {"mimeType": "%s", "data": "%s"}}]},
                  "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 20, "totalTokenCount": 23},
                 "modelVersion": "gemini-2.5-flash-preview-tts"}
                """.formatted(mime, Base64.getEncoder().encodeToString(PCM));
    }
}
