package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: the data-plane routes run from the event loop and hold no thread while Google answers. With a worker pool
 * of 4 (platform-http's stock shape parks one worker per request, and the synchronous circuit breaker another wait),
 * 24 streams on both surfaces are open at once: every client holds its first event while Google still holds back the
 * rest, and the gateway's live threads grow by far fewer than the streams. Then every stream ends whole.
 */
class HoldsNoThreadPerOpenStreamTest {

    private static final int WORKERS = 4;
    private static final int STREAMS_PER_SURFACE = 12;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("test-key-a", "test-key-b")
            .set("caravan.worker-pool-size", Integer.toString(WORKERS));

    private static final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterAll
    static void stopReaders() {
        readers.shutdownNow();
    }

    @Test
    void manyMoreStreamsThanWorkersAreOpenAtOnceAndEndWhole() throws Exception {
        List<String> events = List.of(GoogleBodies.sseEvent("first"), GoogleBodies.sseEvent("second"));
        StubGemini.Gate gate = new StubGemini.Gate();
        gateway.stub().answer(r -> new StubGemini.Gated("text/event-stream", events, gate));
        // warm the surfaces once, so the thread count below counts streams, not first-use pools
        gate.open();
        gate.open();
        assertThat(read(native_()).join()).contains("second");
        assertThat(read(openAi()).join()).contains("second");
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Gated("text/event-stream", events, gate));
        int threadsBefore = gatewayThreads();

        AtomicInteger firstEventsHeld = new AtomicInteger();
        List<CompletableFuture<String>> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS_PER_SURFACE; i++) {
            streams.add(read(native_(), firstEventsHeld));
            streams.add(read(openAi(), firstEventsHeld));
        }

        // all open at once: each client holds Google's first event, and Google has sent none of the second ones
        await().atMost(Duration.ofSeconds(8)).until(() -> firstEventsHeld.get() == 2 * STREAMS_PER_SURFACE);
        assertThat(gateway.stub().received()).hasSize(2 * STREAMS_PER_SURFACE);
        assertThat(gateway.stub().sentAtNanos()).hasSize(2 * STREAMS_PER_SURFACE);
        // the gateway may start a few threads meanwhile, not one per stream
        int added = gatewayThreads() - threadsBefore;
        System.out.printf("HoldsNoThreadPerOpenStreamTest: %d streams open, the gateway's live threads %+d%n",
                2 * STREAMS_PER_SURFACE, added);
        assertThat(added).isLessThan(WORKERS);

        for (int i = 0; i < 2 * STREAMS_PER_SURFACE; i++) {
            gate.open();
        }
        for (CompletableFuture<String> s : streams) {
            assertThat(s.get(10, TimeUnit.SECONDS)).contains("second");
        }
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.key()).isIn("test-key-a", "test-key-b"));
    }

    /** The gateway's live threads (Vert.x's, Camel's, Caravan's), not the test's, the stub's or the HTTP client's. */
    private static int gatewayThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("vert.x-") || n.startsWith("Camel") || n.startsWith("caravan")).count();
    }

    private static HttpRequest native_() {
        return HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")))
                .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("stream"))).build();
    }

    private static HttpRequest openAi() {
        return HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"stream"}]}"""))
                .build();
    }

    private static CompletableFuture<String> read(HttpRequest request) {
        return read(request, new AtomicInteger());
    }

    /** The whole stream's text; {@code firstHeld} counts up once the first event with data has arrived. */
    private static CompletableFuture<String> read(HttpRequest request, AtomicInteger firstHeld) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<InputStream> res = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(res.statusCode()).isEqualTo(200);
                StringBuilder text = new StringBuilder();
                boolean counted = false;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        text.append(line).append('\n');
                        if (!counted && line.startsWith("data:") && line.contains("first")) {
                            counted = true;
                            firstHeld.incrementAndGet();
                        }
                    }
                }
                return text.toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, readers);
    }
}
