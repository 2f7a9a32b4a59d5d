package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.StreamOptimizerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Only an event of one candidate whose parts are plain answer text is re-cut; what describes the whole event rides on
 * its last piece.
 */
class GeminiTextEventsRecutOnlyPlainTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeminiTextEvents EVENTS = new GeminiTextEvents(JSON);
    private static final TextPacing PACING = new TextPacing(new StreamOptimizerSettings(true, 0.016, 0.024, 10, 50, 5));

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{}}}]}}]}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"thinking\",\"thought\":true}]}}]}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"see\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]}}]}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"1\"}}]}}]}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}},{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"index\":1}]}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}]}",
            "{\"usageMetadata\":{\"totalTokenCount\":3}}",
            "{\"error\":{\"code\":500,\"message\":\"x\"}}",
            "not json"})
    void leavesEveryOtherEventWhole(String data) {
        assertThat(EVENTS.text(data)).isNull();
    }

    @Test
    void piecesCarryTheWholeEventsFieldsOnlyOnTheLastAndTheSignatureOnItsPart() throws Exception {
        String data = """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"0123456789"},\
                {"text":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ","thoughtSignature":"c2ln"}]},\
                "finishReason":"STOP","index":0,"safetyRatings":[]}],\
                "usageMetadata":{"totalTokenCount":9},"modelVersion":"m","responseId":"r"}""";

        GeminiTextEvents.Text text = EVENTS.text(data);
        List<String> pieces = EVENTS.pieces(text, PACING);

        assertThat(text.length()).isEqualTo(62);
        // 62 characters: 5 per piece, each part cut on its own (10 = 2 pieces, 52 = 11 pieces)
        assertThat(pieces).hasSize(13);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            JsonNode e = JSON.readTree(pieces.get(i));
            boolean last = i == pieces.size() - 1;
            JsonNode c = e.at("/candidates/0");
            all.append(c.at("/content/parts/0/text").asText());
            assertThat(c.at("/content/parts")).hasSize(1);
            assertThat(c.at("/content/role").asText()).isEqualTo("model");
            assertThat(c.path("index").asInt(-1)).isZero();
            assertThat(e.path("modelVersion").asText()).isEqualTo("m");
            assertThat(e.path("responseId").asText()).isEqualTo("r");
            assertThat(c.has("finishReason")).isEqualTo(last);
            assertThat(c.has("safetyRatings")).isEqualTo(last);
            assertThat(e.has("usageMetadata")).isEqualTo(last);
            assertThat(c.at("/content/parts/0").has("thoughtSignature")).isEqualTo(last);
        }
        assertThat(all).hasToString("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    }
}
