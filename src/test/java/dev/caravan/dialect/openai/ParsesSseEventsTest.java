package dev.caravan.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParsesSseEventsTest {

    private static final List<String> EVENTS = List.of("{\"text\":\"héllo ✓\"}", "{\"n\":2}", "{\"emoji\":\"🐫\"}");

    static Stream<Arguments> streams() {
        return Stream.of(
                arguments("LF", "data: {\"text\":\"héllo ✓\"}\n\ndata: {\"n\":2}\n\ndata: {\"emoji\":\"🐫\"}\n\n"),
                arguments("CRLF as Gemini sends it",
                        "data: {\"text\":\"héllo ✓\"}\r\n\r\ndata: {\"n\":2}\r\n\r\ndata: {\"emoji\":\"🐫\"}\r\n\r\n"),
                arguments("CR only", "data: {\"text\":\"héllo ✓\"}\r\rdata: {\"n\":2}\r\rdata: {\"emoji\":\"🐫\"}\r\r"),
                arguments("comments, other fields and no space after the colon",
                        ": keep-alive\n\nevent: message\nid: 1\ndata:{\"text\":\"héllo ✓\"}\n\nretry: 5\n\n"
                                + "data: {\"n\":2}\n\n:x\ndata: {\"emoji\":\"🐫\"}\n\n"));
    }

    @ParameterizedTest(name = "{0}, fed whole")
    @MethodSource("streams")
    void yieldsEachEventsData(String name, String stream) {
        SseEventParser parser = new SseEventParser();

        List<String> events = new ArrayList<>(parser.feed(stream));
        events.addAll(parser.end());

        assertThat(events).isEqualTo(EVENTS);
    }

    @ParameterizedTest(name = "{0}, split at every character")
    @MethodSource("streams")
    void yieldsTheSameWhereverTheTextIsSplit(String name, String stream) {
        for (int cut = 0; cut <= stream.length(); cut++) {
            SseEventParser parser = new SseEventParser();
            List<String> events = new ArrayList<>(parser.feed(stream.substring(0, cut)));
            events.addAll(parser.feed(stream.substring(cut)));
            events.addAll(parser.end());

            assertThat(events).as("split at %d", cut).isEqualTo(EVENTS);
        }
    }

    @ParameterizedTest(name = "{0}, split at every byte")
    @MethodSource("streams")
    void yieldsTheSameWhereverTheBytesAreSplitEvenInsideACharacter(String name, String stream) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            SseEventParser parser = new SseEventParser();
            List<String> events = new ArrayList<>(parser.feed(bytes, 0, cut));
            events.addAll(parser.feed(bytes, cut, bytes.length - cut));
            events.addAll(parser.end());

            assertThat(events).as("split at byte %d", cut).isEqualTo(EVENTS);
        }
    }

    @Test
    void yieldsTheSameWhenFedOneByteAtATime() {
        byte[] bytes = "data: {\"emoji\":\"🐫\"}\r\n\r\ndata: {\"n\":2}\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        SseEventParser parser = new SseEventParser();
        List<String> events = new ArrayList<>();

        for (int i = 0; i < bytes.length; i++) {
            events.addAll(parser.feed(bytes, i, 1));
        }

        assertThat(events).containsExactly("{\"emoji\":\"🐫\"}", "{\"n\":2}");
    }

    @Test
    void joinsMultiLineDataWithNewlines() {
        SseEventParser parser = new SseEventParser();

        assertThat(parser.feed("data: {\"a\":\ndata: 1}\n\n")).containsExactly("{\"a\":\n1}");
    }

    @Test
    void givesAnEventNotYetClosedOnlyAtTheEnd() {
        SseEventParser parser = new SseEventParser();

        assertThat(parser.feed("data: {\"last\":true}")).isEmpty();
        assertThat(parser.end()).containsExactly("{\"last\":true}");
    }

    @Test
    void emptyEventsAreSkipped() {
        SseEventParser parser = new SseEventParser();

        assertThat(parser.feed("\n\n\r\n\r\nid: 3\n\n")).isEmpty();
    }
}
