package dev.caravan.http;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Watches one HTTP/1.1 connection of the main port from inside its Netty pipeline, where the bytes and the
 * request boundaries are both visible, and closes it when a client is too slow:
 * <ul>
 *   <li>a request head (request line and headers) must be whole within the header timeout of its first byte, and
 *       a new connection must send one within the header timeout of connecting;</li>
 *   <li>a request body may not fall silent for longer than the read timeout;</li>
 *   <li>a connection waiting for its next request is closed after the idle timeout.</li>
 * </ul>
 * While an answer is owed (the request is in, the last byte of its answer is not yet written) no deadline runs, so
 * neither a slow upstream nor a stream that is silent for minutes is cut here: those have their own time-outs. It
 * also tells {@link InFlightRequests} of each answer owed and written, which a shutdown waits for. All state is
 * confined to the connection's event loop.
 */
final class ConnectionWatch {

    /** Pipeline names of the two observers: raw bytes before Vert.x's decoder, requests and answers after it. */
    static final String BYTES = "caravanBytes";
    static final String MESSAGES = "caravanMessages";

    private final long headerNanos;
    private final long readNanos;
    private final long idleNanos;
    private final InFlightRequests inFlight;

    private ChannelHandlerContext context;
    private ScheduledFuture<?> timer;
    /** Whether no request head has arrived yet on this connection. */
    private boolean fresh = true;
    /** When the head now arriving began; 0 when none is arriving. */
    private long headStarted;
    private boolean readingBody;
    /** Answers owed: heads received whose answer's last byte is not written. */
    private int owed;
    private long lastByte;
    private long waitingSince;
    private boolean informational;

    ConnectionWatch(long headerNanos, long readNanos, long idleNanos, InFlightRequests inFlight) {
        this.headerNanos = headerNanos;
        this.readNanos = readNanos;
        this.idleNanos = idleNanos;
        this.inFlight = inFlight;
    }

    /** Puts the watch into a connection's pipeline; call on its event loop before it reads (Vert.x's connection handler). */
    void install(ChannelPipeline pipeline, String decoder, String vertxHandler) {
        pipeline.addBefore(decoder, BYTES, new Bytes());
        pipeline.addBefore(vertxHandler, MESSAGES, new Messages());
    }

    private void start(ChannelHandlerContext ctx) {
        if (context != null) {
            return;
        }
        context = ctx;
        waitingSince = System.nanoTime();
        schedule(Math.min(headerNanos, Math.min(readNanos, idleNanos)));
    }

    private void schedule(long delayNanos) {
        timer = context.executor().schedule(this::check, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(10)),
                TimeUnit.NANOSECONDS);
    }

    /** The moment this connection is too slow, or 0 while an answer is owed and no body is arriving. */
    private long deadline() {
        if (readingBody) {
            return lastByte + readNanos;
        }
        if (owed > 0) {
            // a pipelined head may wait, undecoded, until this answer is out: its clock starts then
            return 0;
        }
        if (headStarted != 0) {
            return headStarted + headerNanos;
        }
        return waitingSince + (fresh ? headerNanos : idleNanos);
    }

    private void check() {
        if (!context.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        long deadline = deadline();
        if (deadline != 0 && now - deadline >= 0) {
            context.channel().close();
            return;
        }
        // activity only ever moves a deadline later, so checking again at the current one (or, while an answer is
        // owed, after the shortest time-out) closes a connection at most that much late
        schedule(deadline == 0 ? Math.min(headerNanos, Math.min(readNanos, idleNanos)) : deadline - now);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
        if (owed > 0) {
            inFlight.ended(owed);
            owed = 0;
        }
    }

    /** Sees the bytes as they arrive, before Vert.x's decoder. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                start(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            start(ctx);
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                lastByte = System.nanoTime();
                if (!readingBody && headStarted == 0) {
                    headStarted = lastByte;
                }
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stop();
            super.channelInactive(ctx);
        }
    }

    /** Sees each request Vert.x's decoder made, and each answer Vert.x writes, in the order they pass. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest) {
                fresh = false;
                headStarted = 0;
                readingBody = true;
                owed++;
                inFlight.started();
            }
            if (msg instanceof LastHttpContent) {
                readingBody = false;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response) {
                // 100 Continue and other 1xx come before the answer and do not end it
                informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent && !informational) {
                ChannelPromise written = promise.unvoid();
                written.addListener(f -> answered());
                ctx.write(msg, written);
                return;
            }
            ctx.write(msg, promise);
        }

        private void answered() {
            if (owed > 0) {
                owed--;
                inFlight.ended(1);
            }
            if (owed == 0) {
                waitingSince = System.nanoTime();
                if (headStarted != 0) {
                    headStarted = waitingSince;
                }
            }
        }
    }
}
