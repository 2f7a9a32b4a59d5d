package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RawHttp;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 2, at the other end: a normal shutdown stops taking requests (503 with Retry-After in the
 * caller's dialect while it drains, then a closed port; never a 404), lets the requests in flight finish within
 * SHUTDOWN_TIMEOUT_SECONDS, writes their request-log rows, and only then stops. A request that outlasts the bound is
 * ended there, so a stop never waits for a stream of ten minutes: with an answer that says Caravan is stopping (a 503
 * with Retry-After, or a stream's error event in its dialect), not a cut connection a client could take for a whole
 * answer, and without blaming the key or trying another.
 */
class FinishesInFlightRequestsAtShutdownTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.shutdown-timeout-seconds", "3");

    @Test
    void aStreamInFlightWhenTheStopBeginsEndsWholeAndIsLogged() throws Exception {
        gateway.restart();
        Rows.Db db = gateway::openDatabase;
        long before = Rows.count(db, "request_log");
        List<String> events = IntStream.range(0, 5).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        // about 1.5 s of stream, well inside the 3 s bound
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofMillis(300), false));
        int port = gateway.caravan().port();

        CompletableFuture<Read> inFlight = CompletableFuture.supplyAsync(() -> read(STREAM));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.stub().received().size() == 1);
        long stopStarted = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(FinishesInFlightRequestsAtShutdownTest::stop);
        List<String> duringStop = dialUntil(port, stopped);
        stopped.get(60, TimeUnit.SECONDS);
        double stopSeconds = (System.nanoTime() - stopStarted) / 1e9;

        Read res = inFlight.get(30, TimeUnit.SECONDS);
        System.out.printf("FinishesInFlightRequestsAtShutdownTest: stop took %.2f s; answers while stopping: %s%n",
                stopSeconds, summary(duringStop));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.cut()).isFalse();
        assertThat(res.text()).isEqualTo(String.join("", events));
        // a request that reached the gateway before the stop began is served as usual (the stop runs on another
        // thread, so a first one may win that race under load); once the gate has closed, nothing is served any more
        int served = 0;
        while (served < duringStop.size() && duringStop.get(served).startsWith("200 ")) {
            served++;
        }
        List<String> afterGate = duringStop.subList(served, duringStop.size());
        assertThat(afterGate).isNotEmpty().allMatch(a -> a.equals("503 gemini Retry-After") || a.equals("refused"),
                "503 with Retry-After in Google's envelope, or a refused connection");
        // the stream's row and those of the 503s reached the database before the stop returned
        List<Map<String, Object>> rows = Rows.query(db, "SELECT status, streamed FROM request_log ORDER BY request_at_ms");
        assertThat(rows).hasSizeGreaterThan((int) before);
        assertThat(rows).anySatisfy(r -> assertThat(((Number) r.get("status")).intValue()).isEqualTo(200));
        assertThat(gateway.stub().received()).hasSize(1 + served);
    }

    @Test
    void aStreamThatOutlastsTheBoundEndsThereWithAnErrorEventAndTheStopCompletes() throws Exception {
        gateway.restart();
        Rows.Db db = gateway::openDatabase;
        long since = System.currentTimeMillis();
        List<String> events = IntStream.range(0, 30).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        // 30 s of stream: ten times the 3 s bound
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofSeconds(1), false));

        CompletableFuture<Read> inFlight = CompletableFuture.supplyAsync(() -> read(STREAM));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.stub().received().size() == 1);
        long stopStarted = System.nanoTime();
        stop();
        double stopSeconds = (System.nanoTime() - stopStarted) / 1e9;
        System.out.printf("FinishesInFlightRequestsAtShutdownTest: with a 30 s stream in flight the stop took %.2f s%n",
                stopSeconds);

        assertThat(stopSeconds).as("seconds the stop took (bound 3 s)").isBetween(2.5, 15.0);
        Read res = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(res.status()).isEqualTo(200);
        // the client reads why its answer is short, in Google's envelope, rather than a cut it could take for the end
        assertThat(res.cut()).isFalse();
        assertThat(res.text()).startsWith(events.get(0)).isNotEqualTo(String.join("", events));
        String last = lastDataLine(res.text());
        assertThat(JSON.readTree(last).path("error").path("code").asInt()).isEqualTo(503);
        assertThat(JSON.readTree(last).path("error").path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(JSON.readTree(last).path("error").path("message").asText()).contains("Caravan is stopping");
        // logged as cut by the stop, not as a client that left nor as the key's failure; no other key was tried
        assertThat(Rows.query(db, "SELECT status, error_type FROM request_log WHERE request_at_ms >= ?", since)).singleElement().satisfies(r -> {
            assertThat(((Number) r.get("status")).intValue()).isEqualTo(200);
            assertThat(r.get("error_type")).isEqualTo("CUT_AT_SHUTDOWN");
        });
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void aWholeAnswerThatOutlastsTheBoundIsAnswered503WithRetryAfterAndNoOtherKeyIsTried() throws Exception {
        gateway.restart();
        Rows.Db db = gateway::openDatabase;
        long since = System.currentTimeMillis();
        gateway.stub().answer(r -> new StubGemini.Hang());

        CompletableFuture<HttpResponse<String>> inFlight = gateway.http().sendAsync(
                HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                        .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("slow")))
                        .build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.stub().received().size() == 1);
        stop();

        HttpResponse<String> res = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(res.body()).path("error").path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(JSON.readTree(res.body()).path("error").path("message").asText()).contains("Caravan is stopping");
        assertThat(Rows.query(db, "SELECT status, error_type FROM request_log WHERE request_at_ms >= ?", since)).singleElement().satisfies(r -> {
            assertThat(((Number) r.get("status")).intValue()).isEqualTo(503);
            assertThat(r.get("error_type")).isEqualTo("CUT_AT_SHUTDOWN");
        });
        // the stop is no key's failure: the other key is not tried, the one that was gets no strike
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(Rows.query(db, "SELECT strikes FROM key_state WHERE strikes > 0")).isEmpty();
    }

    @Test
    void anOpenAiStreamThatOutlastsTheBoundEndsWithAnOpenAiErrorChunkAndDone() throws Exception {
        gateway.restart();
        List<String> events = IntStream.range(0, 30).mapToObj(i -> GoogleBodies.sseEvent("part " + i)).toList();
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", events, Duration.ofSeconds(1), false));

        CompletableFuture<Read> inFlight = CompletableFuture.supplyAsync(() -> read("/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a long story\"}]}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.stub().received().size() == 1);
        stop();

        Read res = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.cut()).isFalse();
        List<String> data = res.text().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(JSON.readTree(data.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("part 0");
        JsonNode error = dev.caravan.support.OpenAiEnvelope.assertOpenAiError(data.get(data.size() - 2), "server_error");
        assertThat(error.path("message").asText()).contains("Caravan is stopping");
        assertThat(gateway.stub().received()).hasSize(1);
    }

    private static String lastDataLine(String sse) {
        List<String> data = sse.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data).isNotEmpty();
        return data.get(data.size() - 1);
    }

    /** What a client of a stream got: the status, the text read, and whether the stream ended cleanly or was cut. */
    record Read(int status, String text, boolean cut) {
    }

    /** POSTs to a streaming endpoint and reads until the stream ends or the connection is cut. */
    private static Read read(String path) {
        return read(path, Gateway.prompt("a long story"));
    }

    private static Read read(String path, String body) {
        try {
            HttpResponse<InputStream> res = gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                    .header("authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            boolean cut = false;
            try (InputStream in = res.body()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    text.write(buf, 0, n);
                }
            } catch (IOException e) {
                cut = true;
            }
            return new Read(res.statusCode(), text.toString(StandardCharsets.UTF_8), cut);
        } catch (IOException e) {
            return new Read(0, "", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void stop() {
        try {
            gateway.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** New requests sent one after another until {@code stopped}: what each got, in short. */
    private static List<String> dialUntil(int port, CompletableFuture<Void> stopped) {
        List<String> seen = new ArrayList<>();
        while (!stopped.isDone()) {
            String body = Gateway.prompt("a new request");
            try (RawHttp c = RawHttp.connect(port, 10_000)) {
                c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "x-goog-api-key: " + Gateway.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
                RawHttp.Answer a = c.read();
                boolean gemini = a.body().contains("\"status\"");
                seen.add(a.status() + (gemini ? " gemini" : " other") + (a.header("Retry-After") != null ? " Retry-After" : ""));
            } catch (ConnectException refused) {
                seen.add("refused");
            } catch (IOException dropped) {
                // the last connections accepted as the listener closes may be cut without an answer
            }
        }
        return seen;
    }

    private static String summary(List<String> answers) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        answers.forEach(a -> counts.merge(a, 1L, Long::sum));
        return counts.toString();
    }
}
