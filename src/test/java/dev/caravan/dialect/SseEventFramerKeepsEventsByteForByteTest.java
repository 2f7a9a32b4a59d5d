package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Events come out whole and unchanged however the stream was cut, with LF, CR LF or CR line ends. */
class SseEventFramerKeepsEventsByteForByteTest {

    @ParameterizedTest(name = "cut every {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void eventsComeOutWholeWhereverTheStreamIsCut(int cut) {
        List<String> sent = List.of("data: {\"a\":1}\r\n\r\n", ": comment\n\n", "data: x\ndata: y\n\n", "data: é\r\r",
                "data: {\"b\":2}\r\n\r\n");
        String stream = String.join("", sent) + "data: partial";
        byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SseEventFramer framer = new SseEventFramer();
        List<String> events = new ArrayList<>();

        for (int i = 0; i < bytes.length; i += cut) {
            Buffer piece = Buffer.buffer().appendBytes(bytes, i, Math.min(cut, bytes.length - i));
            framer.feed(piece).forEach(e -> events.add(e.toString(java.nio.charset.StandardCharsets.UTF_8)));
        }

        assertThat(events).containsExactlyElementsOf(sent);
        assertThat(framer.rest().toString()).isEqualTo("data: partial");
    }
}
