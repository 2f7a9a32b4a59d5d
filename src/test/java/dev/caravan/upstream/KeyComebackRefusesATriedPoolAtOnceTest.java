package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A request that tried every eligible key (each failed for itself, no key is cooling) is answered at once: there is
 * nothing to wait for. Two CI runs once waited QUOTA_WAIT_SECONDS instead, when the pool's clock moved to the next
 * millisecond between the two reads of the admission check, so the eligible keys looked like keys coming back. Here
 * every read of the clock is a millisecond later than the one before.
 */
class KeyComebackRefusesATriedPoolAtOnceTest {

    private static final String MODEL = "gemini-2.5-flash";

    @Test
    void noWaitWhenEveryEligibleKeyWasTriedWhateverTheClockDoes() throws Exception {
        AtomicLong millis = new AtomicLong(1_800_000_000_000L);
        KeyRoundRobin pool = new KeyRoundRobin(List.of("key-a", "key-b"), 3, millis::getAndIncrement);
        Vertx vertx = Vertx.vertx();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            KeyComeback comeback = new KeyComeback(vertx, pool, () -> 10);
            Exchange exchange = new DefaultExchange(camel);
            RequestContext ctx = new RequestContext();
            exchange.setProperty(RequestContext.PROPERTY, ctx);
            ctx.newCall();
            ctx.target(MODEL, HttpMethod.POST, "/models/" + MODEL + ":generateContent", null, null);
            // both keys tried, and each failed for itself (a strike, not a pause): barred after a wait too
            for (int i = 0; i < 2; i++) {
                ApiKey key = pool.pick(MODEL, ctx.tried());
                assertThat(key).isNotNull();
                ctx.useKey(key);
                ctx.barAfterWait();
            }
            ctx.useKey(pool.pick(MODEL, ctx.tried()));
            assertThat(ctx.key()).isNull();

            boolean[] done = new boolean[1];
            boolean sync = comeback.process(exchange, doneSync -> done[0] = true);

            assertThat(sync).as("answered at once, not parked for a key").isTrue();
            assertThat(done[0]).isTrue();
            assertThat(ctx.refusal()).contains("already tried");
            assertThat(comeback.waiting()).isZero();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
