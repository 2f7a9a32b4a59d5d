package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §4: a client that disconnects aborts the upstream call, so Google stops generating (and billing). */
class ClientDisconnectAbortsUpstreamTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.warningsAndErrors();
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    @Test
    void clientClosingMidStreamClosesTheUpstreamConnectionAndTheGatewayKeepsServing() throws Exception {
        // 50 events 100 ms apart: five seconds of stream if nobody stops it
        List<String> events = IntStream.range(0, 50).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        gateway.stub().answer(r -> r.path().endsWith(":streamGenerateContent")
                ? new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(100), false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("hello")));
        byte[] body = Gateway.prompt("a long story").getBytes(StandardCharsets.UTF_8);
        int port = URI.create(gateway.url("/")).getPort();

        Arrivals got;
        long closedAt;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "x-goog-api-key: " + Gateway.TOKEN + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            got = Arrivals.readUntil(socket.getInputStream(), text -> text.contains(events.get(1)));
            closedAt = System.nanoTime();
        }

        assertThat(got.text()).startsWith("HTTP/1.1 200").contains(events.get(0), events.get(1));
        assertThat(gateway.stub().awaitClientClosed(10)).as("the stub saw the gateway close the upstream connection").isTrue();
        Duration toAbort = Duration.ofNanos(System.nanoTime() - closedAt);
        System.out.printf("ClientDisconnectAbortsUpstreamTest: upstream closed %d ms after the client left; stub flushed %d of %d events%n",
                toAbort.toMillis(), gateway.stub().sentAtNanos().size(), events.size());
        // the stream had about 4.8 s left: the stub noticed the close on a write, before its last event
        assertThat(gateway.stub().sentAtNanos().size()).isLessThan(events.size());
        assertThat(gateway.stub().received()).hasSize(1);
        String used = gateway.stub().received().get(0).key();
        assertThat(used).isIn("pool-key-a", "pool-key-b");

        HttpResponse<String> next = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("still there?"));

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertThat(gateway.stub().received()).hasSize(2);
        assertThat(gateway.stub().received().get(1).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        // leaving was the client's choice: the key is not blamed, and nothing alarming is logged
        assertThat(gateway.key(used).strikes()).isZero();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(log.lines()).isEmpty());
    }
}
