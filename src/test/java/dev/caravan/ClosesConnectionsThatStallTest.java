package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RawHttp;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 3: the main port closes connections whose client stalls, at the header, read and idle
 * time-outs (2 s each here), and never one whose answer is still being produced or written, however long that
 * answer is silent. Before, an idle or half-sent connection stayed open for as long as its client liked.
 */
class ClosesConnectionsThatStallTest {

    private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a")
            .set("caravan.http-header-timeout-seconds", "2")
            .set("caravan.http-read-timeout-seconds", "2")
            .set("caravan.http-idle-timeout-seconds", "2");

    @Test
    void closesAConnectionThatSendsNothing() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            long start = System.nanoTime();

            assertThat(c.closedByServer()).isTrue();
            assertThat(seconds(start)).isBetween(1.5, 8.0);
        }
    }

    @Test
    void closesAConnectionWhoseHeadTricklesInSlowerThanTheHeaderTimeout() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            c.send("POST " + GEMINI + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            long start = System.nanoTime();
            // a header byte every 300 ms: never silent for long, never done
            trickle.scheduleAtFixedRate(() -> {
                try {
                    c.send("x");
                } catch (IOException closed) {
                    trickle.shutdown();
                }
            }, 300, 300, TimeUnit.MILLISECONDS);

            assertThat(c.closedByServer()).isTrue();
            assertThat(seconds(start)).isBetween(1.5, 8.0);
        } finally {
            trickle.shutdownNow();
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void closesAConnectionWhoseBodyStalls() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            c.send("POST " + GEMINI + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"contents\":");
            long start = System.nanoTime();

            assertThat(c.closedByServer()).isTrue();
            assertThat(seconds(start)).isBetween(1.5, 8.0);
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void closesAKeptAliveConnectionThatWaitsTooLongForItsNextRequest() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            String body = Gateway.prompt("hi");
            RawHttp.Answer a = c.send("POST " + GEMINI + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).read();
            assertThat(a.status()).isEqualTo(200);
            long start = System.nanoTime();

            assertThat(c.closedByServer()).isTrue();
            assertThat(seconds(start)).isBetween(1.5, 8.0);
        }
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void keepsAStreamWhoseEventsAreFarApartOpenToItsEnd() throws Exception {
        // 6 s between two events: three times every time-out of this gateway
        List<String> events = IntStream.range(0, 2).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        gateway.stub().answer(r -> new StubGemini.Paced("text/event-stream", events,
                List.of(Duration.ZERO, Duration.ofSeconds(6)), false));
        String body = Gateway.prompt("think hard");

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 20_000)) {
            RawHttp.Answer a = c.send("POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).read();

            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo(String.join("", events));
        }
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void keepsAPipelinedRequestWaitingBehindASlowAnswer() throws Exception {
        List<String> events = IntStream.range(0, 2).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        gateway.stub().answer(r -> r.path().endsWith(":streamGenerateContent")
                ? new StubGemini.Paced("text/event-stream", events, List.of(Duration.ZERO, Duration.ofSeconds(6)), false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("second")));
        String body = Gateway.prompt("think hard");
        String head = " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 20_000)) {
            // both requests at once: the second waits, whole, behind a first answer that is silent for 6 s
            c.send("POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" + head + body
                    + "POST " + GEMINI + head + body);

            RawHttp.Answer first = c.read();
            RawHttp.Answer second = c.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo(String.join("", events));
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).contains("second");
        }
        assertThat(gateway.stub().received()).hasSize(2);
    }

    @Test
    void servesAClientThatIsMerelySlowerThanUsual() throws Exception {
        String body = Gateway.prompt("hi");
        ScheduledExecutorService client = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            // the head in two parts and the body in two, 700 ms apart: each pause well inside the 2 s time-outs
            List<String> parts = List.of("POST " + GEMINI + " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                    "x-goog-api-key: " + Gateway.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body.substring(0, 10),
                    body.substring(10));
            for (int i = 0; i < parts.size(); i++) {
                String part = parts.get(i);
                client.schedule(() -> c.send(part), 700L * i, TimeUnit.MILLISECONDS);
            }

            RawHttp.Answer a = c.read();

            assertThat(a.status()).isEqualTo(200);
        } finally {
            client.shutdownNow();
        }
        assertThat(gateway.stub().received()).hasSize(1).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(body));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
