package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream call's own guard, below the route's checks: a path Vert.x refuses when the request is sent (a space,
 * CR/LF) ends the attempt at once as NOT_SENT, with the connection given back, instead of an exception on the event
 * loop that leaves the attempt (and its worker) waiting for the timeout and then strikes the key. The routes never
 * let such a path through (RefusesUnsafeModelNamesTest); this is the net under them.
 */
class GeminiCallEndsAttemptsItCannotSendTest {

    private static Vertx vertx;
    private static HttpServer google;
    private static final AtomicInteger received = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        google = vertx.createHttpServer().requestHandler(r -> {
            received.incrementAndGet();
            r.response().end("{}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/models/a b:generateContent", "/models/a\r\nX-Forged: 1:generateContent",
            "/models/a\nb:generateContent"})
    void endsTheAttemptAtOnceWithoutReachingGoogle(String path) {
        HttpClient client = vertx.createHttpClient();
        GeminiCall call = new GeminiCall(vertx, client, URI.create("http://127.0.0.1:" + google.actualPort() + "/v1beta"),
                () -> 60_000, UpstreamProxies.of(List.of()));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        RequestContext ctx = new RequestContext();
        ctx.target("gemini-2.5-flash", HttpMethod.POST, path, null, Buffer.buffer("{}"));
        exchange.setProperty(RequestContext.PROPERTY, ctx);
        exchange.getMessage().setHeader(KeyRoundRobin.KEY_HEADER, "unsent-pool-key");
        AtomicReference<Boolean> done = new AtomicReference<>();

        call.process(exchange, sync -> done.set(sync));

        // far below the attempt's 60 s timeout: nothing waits for it
        await().atMost(Duration.ofSeconds(5)).until(() -> done.get() != null);
        assertThat(ctx.verdict().kind()).isEqualTo(Verdict.Kind.NOT_SENT);
        assertThat(ctx.result().status()).isZero();
        assertThat(exchange.getException()).as("the circuit breaker counts nothing").isNull();
        assertThat(received.get()).isZero();
        // the connection went back: a request that can be sent still is, on the same client
        ctx.target("gemini-2.5-flash", HttpMethod.POST, "/models/gemini-2.5-flash:generateContent", null, Buffer.buffer("{}"));
        AtomicReference<Boolean> again = new AtomicReference<>();
        call.process(exchange, sync -> again.set(sync));
        await().atMost(Duration.ofSeconds(5)).until(() -> again.get() != null);
        assertThat(ctx.result().status()).isEqualTo(200);
        assertThat(received.getAndSet(0)).isEqualTo(1);
    }
}
