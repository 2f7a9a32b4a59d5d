package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The pacer writes pieces in order, the n-th at least n pauses after the first, without a thread waiting; Google is held
 * back while pieces wait and let go once none does; a full client queue is waited for; the end comes after the last
 * pause; a client that leaves stops it and is told to a pending end.
 */
class StreamPacerKeepsOrderPaceAndBackPressureTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final long PAUSE = 20_000_000L;

    @AfterAll
    static void close() {
        VERTX.close();
    }

    /** A client response that records what was written and when, with a write queue the test fills and drains. */
    private static final class Client {
        final List<String> written = new CopyOnWriteArrayList<>();
        final List<Long> at = new CopyOnWriteArrayList<>();
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicReference<Handler<Void>> drain = new AtomicReference<>();
        final AtomicReference<String> ended = new AtomicReference<>();

        HttpServerResponse response() {
            return (HttpServerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "write" -> {
                            written.add(((Buffer) args[0]).toString());
                            at.add(System.nanoTime());
                            yield Future.succeededFuture();
                        }
                        case "end" -> {
                            ended.set(args == null ? "" : ((Buffer) args[0]).toString());
                            at.add(System.nanoTime());
                            yield Future.succeededFuture();
                        }
                        case "writeQueueFull" -> full.get();
                        case "drainHandler" -> {
                            drain.set(cast(args[0]));
                            yield proxy;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @SuppressWarnings("unchecked")
        private static Handler<Void> cast(Object handler) {
            return (Handler<Void>) handler;
        }
    }

    private static List<PacedStreamShaper.Piece> pieces(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> new PacedStreamShaper.Piece(Buffer.buffer(t), PAUSE)).toList();
    }

    /** A pacer made on a Vert.x context, and that context, as the relay has them. */
    private static StreamPacer pacer(Client client, AtomicInteger holds, AtomicInteger releases, Context[] context)
            throws Exception {
        CompletableFuture<StreamPacer> made = new CompletableFuture<>();
        Context c = VERTX.getOrCreateContext();
        context[0] = c;
        c.runOnContext(v -> made.complete(new StreamPacer(VERTX, client.response(), holds::incrementAndGet,
                releases::incrementAndGet)));
        return made.get();
    }

    @Test
    void piecesGoInOrderEachAfterThePauseBeforeItAndTheEndAfterTheLast() throws Exception {
        Client client = new Client();
        AtomicInteger holds = new AtomicInteger();
        AtomicInteger releases = new AtomicInteger();
        Context[] context = new Context[1];
        StreamPacer pacer = pacer(client, holds, releases, context);
        AtomicReference<Boolean> delivered = new AtomicReference<>();

        context[0].runOnContext(v -> {
            pacer.write(pieces("a", "b", "c"));
            pacer.write(pieces("d"));
            pacer.end(Buffer.buffer("end"), delivered::set);
        });

        await().atMost(Duration.ofSeconds(2)).until(() -> delivered.get() != null);
        assertThat(delivered.get()).isTrue();
        assertThat(client.written).containsExactly("a", "b", "c", "d");
        assertThat(client.ended.get()).isEqualTo("end");
        // pauses count from when each piece was due: a late timer shortens the next gap, never the run
        for (int i = 1; i < client.at.size(); i++) {
            assertThat(client.at.get(i) - client.at.get(0)).as("write %d after the first", i)
                    .isGreaterThanOrEqualTo(i * PAUSE);
        }
        assertThat(holds.get()).as("Google held back while pieces waited").isEqualTo(1);
        assertThat(releases.get()).as("the end came from Google already: nothing to let go").isZero();
    }

    @Test
    void googleIsLetGoOnceNoPieceWaits() throws Exception {
        Client client = new Client();
        AtomicInteger holds = new AtomicInteger();
        AtomicInteger releases = new AtomicInteger();
        Context[] context = new Context[1];
        StreamPacer pacer = pacer(client, holds, releases, context);

        context[0].runOnContext(v -> pacer.write(pieces("a", "b")));

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(releases.get()).isEqualTo(1));
        assertThat(client.written).containsExactly("a", "b");
        assertThat(holds.get()).isEqualTo(1);
    }

    @Test
    void aFullClientQueueIsWaitedForThenPacingGoesOn() throws Exception {
        Client client = new Client();
        AtomicInteger holds = new AtomicInteger();
        AtomicInteger releases = new AtomicInteger();
        Context[] context = new Context[1];
        StreamPacer pacer = pacer(client, holds, releases, context);
        client.full.set(true);

        context[0].runOnContext(v -> pacer.write(pieces("a", "b")));

        await().atMost(Duration.ofSeconds(2)).until(() -> client.drain.get() != null);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> client.written.isEmpty());
        assertThat(holds.get()).isEqualTo(1);
        client.full.set(false);
        context[0].runOnContext(v -> client.drain.get().handle(null));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(client.written).containsExactly("a", "b"));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(releases.get()).isEqualTo(1));
    }

    @Test
    void aClientThatLeavesStopsThePacerAndAPendingEndIsToldSo() throws Exception {
        Client client = new Client();
        Context[] context = new Context[1];
        StreamPacer pacer = pacer(client, new AtomicInteger(), new AtomicInteger(), context);
        AtomicReference<Boolean> delivered = new AtomicReference<>();
        List<PacedStreamShaper.Piece> many = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> new PacedStreamShaper.Piece(Buffer.buffer("p" + i), PAUSE)).toList();

        context[0].runOnContext(v -> {
            pacer.write(many);
            pacer.end(Buffer.buffer("end"), delivered::set);
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> client.written.size() >= 2);
        // from another thread, as the client's connection reports it
        pacer.abort();

        await().atMost(Duration.ofSeconds(1)).until(() -> delivered.get() != null);
        assertThat(delivered.get()).isFalse();
        int seen = client.written.size();
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> client.written.size() == seen);
        assertThat(seen).isLessThan(100);
        assertThat(client.ended.get()).isNull();
    }
}
