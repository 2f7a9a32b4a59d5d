package dev.caravan.upstream;

import java.util.function.IntSupplier;

import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The upstream route's two heartbeat steps (STREAM_HEARTBEAT_SECONDS), around its attempts: {@link Start} keeps a
 * stream's client busy while it waits for Google's first event, and {@link Reply} turns an error answer into the
 * stream's last event when a heartbeat already sent the response head. Between them, the relay stops the
 * heartbeat before Google's first byte goes out, and a failure before it still goes to the next key unseen.
 */
public final class StreamHeartbeats {

    private StreamHeartbeats() {
    }

    /** Starts the heartbeats of a relayed stream whose format has room for them. Thread-safe. */
    public static final class Start implements Processor {
        private final Vertx vertx;
        private final IntSupplier seconds;

        /** @param seconds the interval in force (read per request, so an operator's change applies to the next) */
        public Start(Vertx vertx, IntSupplier seconds) {
            this.vertx = vertx;
            this.seconds = seconds;
        }

        @Override
        public void process(Exchange exchange) {
            RequestContext ctx = RequestContext.of(exchange);
            if (!ctx.stream() || ctx.clientResponse() == null) {
                return;
            }
            StreamHeartbeat hb = StreamHeartbeat.start(vertx, ctx.clientResponse(), ctx.shaper(),
                    seconds.getAsInt() * 1000L, exchange);
            ctx.heartbeat(hb);
        }
    }

    /**
     * Stops the heartbeats; when one sent the head and the answer is an error rather than a relayed stream, the
     * error becomes the stream's last event in the caller's dialect. Thread-safe.
     */
    public static final class Reply implements Processor {
        private final InStreamError errors;

        public Reply(InStreamError errors) {
            this.errors = errors;
        }

        @Override
        public void process(Exchange exchange) {
            RequestContext ctx = RequestContext.of(exchange);
            StreamHeartbeat hb = ctx.heartbeat();
            if (hb == null) {
                return;
            }
            boolean headSent = hb.stop();
            Message msg = exchange.getMessage();
            if (headSent && !Upstream.RELAYED.equals(msg.getHeader(Upstream.OUTCOME))) {
                errors.end(msg, ctx.clientResponse(), ctx.shaper());
            }
        }
    }
}
