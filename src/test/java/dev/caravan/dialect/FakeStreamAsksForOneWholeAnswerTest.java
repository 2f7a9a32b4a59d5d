package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The fake stream's two pieces of text work: the query without alt=sse, and a whole answer as one SSE event. */
class FakeStreamAsksForOneWholeAnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dropsOnlyAltSseFromTheQuery() {
        assertThat(FakeStream.withoutAltSse(null)).isNull();
        assertThat(FakeStream.withoutAltSse("alt=sse")).isNull();
        assertThat(FakeStream.withoutAltSse("alt=sse&foo=1")).isEqualTo("foo=1");
        assertThat(FakeStream.withoutAltSse("foo=1&alt=sse&bar=2")).isEqualTo("foo=1&bar=2");
        assertThat(FakeStream.withoutAltSse("alt=ssex")).isEqualTo("alt=ssex");
    }

    @Test
    void putsAPrettyPrintedAnswerOnTheOneLineOfAnSseEventAsTheSameJson() throws Exception {
        String answer = "{\r\n  \"candidates\": [\n    {\"content\": {\"parts\": [{\"text\": \"two\\nlines \\\"quoted\\\"\"}]}}\n  ]\n}\n";

        String event = FakeStream.Reply.asSseEvent(answer.getBytes(StandardCharsets.UTF_8)).toString(StandardCharsets.UTF_8);

        assertThat(event).startsWith("data: ").endsWith("\r\n\r\n");
        String data = event.substring("data: ".length(), event.length() - 4);
        assertThat(data).doesNotContain("\n", "\r");
        assertThat(JSON.readTree(data)).isEqualTo(JSON.readTree(answer));
        assertThat(JSON.readTree(data).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("two\nlines \"quoted\"");
    }
}
