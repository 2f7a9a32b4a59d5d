package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.ImpatientClient;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With STREAM_OPTIMIZER_ENABLED, what ends a paced stream comes after its pieces: Google's break is the stream's last
 * event, after every piece of the text before it. A client that leaves while pieces wait ends the request at once
 * (the pacer does not keep a worker for the rest of its timer chain) and, while Google still streams, the upstream
 * call with it.
 */
class PacedStreamEndsInOrderTest {

    private static final String SSE_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String SIXTY = "Pacing makes text arrive like typing, five letters at a time";
    /** 2,000 characters: 400 pieces, 16 ms apart: 6.4 s of pacing. */
    private static final String LONG = "0123456789".repeat(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a").set("caravan.stream-optimizer-enabled", "true");

    @Test
    void googlesBreakIsTheLastEventAfterEveryPiece() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent(SIXTY)),
                Duration.ZERO, true));

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("type"));

        List<String> data = ImpatientClient.sseData(res.text());
        assertThat(data).hasSize(13);
        List<String> texts = new ArrayList<>();
        for (String d : data.subList(0, 12)) {
            texts.add(JSON.readTree(d).at("/candidates/0/content/parts/0/text").asText());
        }
        assertThat(String.join("", texts)).isEqualTo(SIXTY);
        JsonNode error = JSON.readTree(data.get(12)).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(502);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        // a broken stream is a strike against its key, paced or not
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.key("pool-key-a").strikes()).isEqualTo(1));
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void clientLeavingWhilePiecesWaitEndsTheRequestAtOnce() throws Exception {
        Rows.Db db = gateway::openDatabase;
        long since = System.currentTimeMillis();
        // Google's whole answer at once: only the pacer still has work when the client leaves
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent(LONG)),
                Duration.ZERO, false));

        leaveAfterTheFirstPiece();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                Rows.query(db, "SELECT latency_ms FROM request_log WHERE request_at_ms >= ? AND streamed = 1", since))
                .as("the request ended and was logged").hasSize(1));
        long latency = ((Number) Rows.query(db, "SELECT latency_ms FROM request_log WHERE request_at_ms >= ?", since)
                .get(0).get("latency_ms")).longValue();
        assertThat(latency).as("ms the request took: far fewer than the 6,400 of pacing").isLessThan(3_000);
        assertThat(gateway.key("pool-key-a").strikes()).as("leaving is the client's choice").isZero();
        assertThat(gateway.post(SSE_PATH, Gateway.prompt("again")).statusCode()).isEqualTo(200);
    }

    @Test
    void clientLeavingWhileGoogleStillStreamsClosesTheUpstreamCall() throws Exception {
        // the long text, then 30 short events 100 ms apart: 3 s more of Google's stream if nobody stops it
        List<String> events = new ArrayList<>(List.of(GoogleBodies.sseEvent(LONG)));
        List<Duration> gaps = new ArrayList<>(List.of(Duration.ZERO));
        for (int i = 0; i < 30; i++) {
            events.add(GoogleBodies.sseEvent("later " + i));
            gaps.add(Duration.ofMillis(100));
        }
        gateway.stub().answer(r -> new StubGemini.Paced("text/event-stream", events, gaps, false));

        leaveAfterTheFirstPiece();

        assertThat(gateway.stub().awaitClientClosed(5)).as("the gateway closed its call to Google").isTrue();
        assertThat(gateway.stub().sentAtNanos().size()).isLessThan(events.size());
        assertThat(gateway.key("pool-key-a").strikes()).isZero();
    }

    /** A raw client that reads the head and the first piece, then closes its connection. */
    private static void leaveAfterTheFirstPiece() throws Exception {
        byte[] body = Gateway.prompt("a long story").getBytes(StandardCharsets.UTF_8);
        int port = URI.create(gateway.url("/")).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + SSE_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nx-goog-api-key: " + Gateway.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Arrivals got = Arrivals.readUntil(socket.getInputStream(), text -> text.contains("\"01234\""));
            assertThat(got.text()).startsWith("HTTP/1.1 200").doesNotContain("56789");
        }
    }
}
