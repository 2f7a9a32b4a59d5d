package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The token counts come from the last usageMetadata object, in whole answers and in the tail of a stream. */
class TokenUsageReadsUsageMetadataTest {

    private static TokenUsage of(String s) {
        return TokenUsage.of(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFourCountsOfAnAnswer() {
        TokenUsage u = of("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}],\"usageMetadata\":"
                + "{\"promptTokenCount\": 12, \"candidatesTokenCount\": 30, \"totalTokenCount\": 60,"
                + " \"promptTokensDetails\": [{\"modality\": \"TEXT\", \"tokenCount\": 12}], \"thoughtsTokenCount\": 18},"
                + "\"modelVersion\":\"gemini-2.5-flash\"}");

        assertThat(u).isEqualTo(new TokenUsage(12, 30, 18, 60));
    }

    @Test
    void readsATreeAsItReadsTheBytes() throws Exception {
        String answer = "{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\": 12, \"candidatesTokenCount\": 30,"
                + " \"totalTokenCount\": 60, \"promptTokensDetails\": [{\"tokenCount\": 12}], \"thoughtsTokenCount\": 18}}";
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        assertThat(TokenUsage.of(json.readTree(answer).get("usageMetadata"))).isEqualTo(of(answer))
                .isEqualTo(new TokenUsage(12, 30, 18, 60));
        assertThat(TokenUsage.of(json.readTree("{\"promptTokenCount\":4,\"totalTokenCount\":\"4\","
                + "\"candidatesTokenCount\":99999999999}"))).isEqualTo(new TokenUsage(4, null, null, null));
        assertThat(TokenUsage.of((com.fasterxml.jackson.databind.JsonNode) null)).isEqualTo(TokenUsage.NONE);
        assertThat(TokenUsage.of(json.readTree("[1]"))).isEqualTo(TokenUsage.NONE);
    }

    @Test
    void leavesOutWhatGoogleDidNotCount() {
        assertThat(of("{\"usageMetadata\":{\"promptTokenCount\":4,\"totalTokenCount\":4}}"))
                .isEqualTo(new TokenUsage(4, null, null, 4));
        assertThat(of("{\"embeddings\":[{\"values\":[0.1]}]}")).isEqualTo(TokenUsage.NONE);
        assertThat(of("")).isEqualTo(TokenUsage.NONE);
        assertThat(TokenUsage.of((byte[]) null)).isEqualTo(TokenUsage.NONE);
    }

    @Test
    void ignoresTheWordWhenAModelWroteItInsideText() {
        TokenUsage u = of("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"say \\\"usageMetadata\\\": {\\\"promptTokenCount\\\": 999}\"}]}}],"
                + "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":6,\"totalTokenCount\":11}}");

        assertThat(u).isEqualTo(new TokenUsage(5, 6, null, 11));
    }

    @Test
    void readsAnAnswerInPlaceInAPartOfABuffer() {
        // a slice of a larger buffer: what comes before and after it is not part of the answer
        String answer = "{\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7}}";
        Buffer whole = Buffer.buffer("\"usageMetadata\":{\"promptTokenCount\":1}" + answer
                + ",\"usageMetadata\":{\"promptTokenCount\":2}");
        int from = whole.toString().indexOf(answer);

        assertThat(TokenUsage.of(whole.slice(from, from + answer.length()))).isEqualTo(new TokenUsage(7, null, null, 7));
        assertThat(TokenUsage.of(Buffer.buffer(answer))).isEqualTo(new TokenUsage(7, null, null, 7));
        assertThat(TokenUsage.of((Buffer) null)).isEqualTo(TokenUsage.NONE);
    }

    @Test
    void takesTheLastEventOfAStreamSplitAcrossChunks() {
        List<Buffer> tail = List.of(
                Buffer.buffer("data: {\"usageMetadata\":{\"promptTokenCount\":4,\"totalTokenCount\":4}}\r\n\r\ndata: {\"candidates\":[],"),
                Buffer.buffer("\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTo"),
                Buffer.buffer("kenCount\":9,\"totalTokenCount\":13}}\r\n\r\n"));

        assertThat(TokenUsage.ofStreamTail(tail)).isEqualTo(new TokenUsage(4, 9, null, 13));
    }

    @Test
    void readsTheLastElementOfAStreamedJsonArray() {
        TokenUsage u = of("[{\"usageMetadata\":{\"promptTokenCount\":3,\"totalTokenCount\":3}}\n,\r\n"
                + "{\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2,\"totalTokenCount\":5}}\n]");

        assertThat(u).isEqualTo(new TokenUsage(3, 2, null, 5));
    }

    @Test
    void keepsWhatItReadFromACutObject() {
        assertThat(of("\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":")).isEqualTo(new TokenUsage(7, null, null, null));
    }
}
