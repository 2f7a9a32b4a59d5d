package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: the circuit breaker is driven asynchronously (dev.caravan.upstream.AsyncCircuitBreaker) and keeps its
 * verdicts. Six calls are inside the breaker at once with four worker threads (Google answers none of them until all
 * six arrived), 429s leave it closed, 5xx answers open it, and while it is open the fallback answers 503 without
 * calling Google or blaming a key. The breaker stays open for the class (60 s), so the story is one test.
 */
class CircuitBreakerCountsConcurrentCallsWithoutThreadsTest {

    private static final int AT_ONCE = 6;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("test-key-a", "test-key-b")
            .set("caravan.worker-pool-size", "4")
            .set("caravan.max-failures", "100")
            .set("caravan.quota-wait-seconds", "0")
            .smallCircuitBreaker();

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void concurrentFailuresOpenItQuotaAnswersDoNotAndTheFallbackAnswersWhileOpen() throws Exception {
        // 429s are the keys' business: more than a window of them, answered all at once, keep the breaker closed
        CyclicBarrier throttledTogether = new CyclicBarrier(AT_ONCE);
        AtomicInteger throttled = new AtomicInteger();
        gateway.stub().answer(r -> {
            if (throttled.incrementAndGet() <= AT_ONCE) {
                await(throttledTogether);
            }
            return new StubGemini.Json(429, GoogleBodies.throttled());
        });
        for (HttpResponse<String> res : together(AT_ONCE)) {
            assertThat(res.statusCode()).isEqualTo(429);
        }
        assertThat(gateway.stub().received()).hasSizeGreaterThanOrEqualTo(AT_ONCE);
        gateway.pool().keys().forEach(k -> gateway.pool().reset(k));
        gateway.stub().reset();

        // still closed: a good answer goes through
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("fine")));
        assertThat(gateway.post(FLASH, Gateway.prompt("fine")).statusCode()).isEqualTo(200);
        gateway.stub().reset();

        // six 503s inside the breaker at once (more than the worker threads): each is counted, and it opens
        CyclicBarrier failingTogether = new CyclicBarrier(AT_ONCE);
        AtomicInteger failing = new AtomicInteger();
        gateway.stub().answer(r -> {
            if (failing.incrementAndGet() <= AT_ONCE) {
                await(failingTogether);
            }
            return new StubGemini.Json(503, GoogleBodies.unavailable());
        });
        for (HttpResponse<String> res : together(AT_ONCE)) {
            assertThat(res.statusCode()).isEqualTo(503);
        }
        assertThat(failing.get()).isGreaterThanOrEqualTo(AT_ONCE);
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("would be fine")));

        // open: the fallback answers at once, Google is not called, no key is blamed for it
        int strikesA = gateway.key("test-key-a").strikes();
        int strikesB = gateway.key("test-key-b").strikes();
        String message = assertGoogleError(gateway.post(FLASH, Gateway.prompt("while open")), 503, "UNAVAILABLE");
        assertThat(message).containsIgnoringCase("circuit breaker");
        assertThat(gateway.stub().received()).isEmpty();
        assertThat(gateway.key("test-key-a").strikes()).isEqualTo(strikesA);
        assertThat(gateway.key("test-key-b").strikes()).isEqualTo(strikesB);
    }

    /** {@code n} requests sent at once, their answers. */
    private static List<HttpResponse<String>> together(int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(n);
        for (int i = 0; i < n; i++) {
            String prompt = Gateway.prompt("call " + i);
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.post(FLASH, prompt);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        try {
            List<HttpResponse<String>> out = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> c : calls) {
                out.add(c.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            clients.shutdownNow();
        }
    }

    /** The stub's thread waits until all of its batch arrived: a breaker that held a thread per call never gets there. */
    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("not every call reached Google at once", e);
        }
    }
}
