package dev.caravan.upstream;

import java.nio.charset.StandardCharsets;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Keeps one stream's client connection busy while it waits for the answer's first byte: every interval, on a timer
 * of the shared Vert.x (no thread per stream), it writes the shaper's heartbeat, bytes that carry no data for the
 * client. The first heartbeat sends the response head (200, the stream's content type), so proxies and clients with
 * idle timeouts see traffic from then on; since no data went out, another key may still be tried unseen.
 *
 * <p>It is stopped for good before the answer's first byte is written ({@link #stop}), so a heartbeat never lands
 * inside an event. If the exchange ends while the head is out and the answer is not (a failure no step turned into
 * an event), the stream is ended with an error event rather than left open.
 *
 * <p>Thread-safe: the timer (an event loop) and the relay or route (another thread) meet on this object's lock.
 */
public final class StreamHeartbeat {

    private final Vertx vertx;
    private final HttpServerResponse out;
    private final StreamShaper shaper;
    private final byte[] beat;
    private long timer = -1;
    private boolean stopped;
    private boolean headSent;
    private int beats;

    private StreamHeartbeat(Vertx vertx, HttpServerResponse out, StreamShaper shaper, byte[] beat) {
        this.vertx = vertx;
        this.out = out;
        this.shaper = shaper;
        this.beat = beat;
    }

    /**
     * Starts heartbeats on {@code out} every {@code intervalMillis}; null (and nothing started) when the interval is
     * not positive or the stream's format has no heartbeat.
     *
     * @param exchange the request's exchange: if it ends with the head sent and the answer not, the stream is ended
     */
    public static StreamHeartbeat start(Vertx vertx, HttpServerResponse out, StreamShaper shaper, long intervalMillis,
                                        Exchange exchange) {
        String beat = shaper.heartbeat();
        if (intervalMillis <= 0 || beat == null || out == null) {
            return null;
        }
        StreamHeartbeat hb = new StreamHeartbeat(vertx, out, shaper, beat.getBytes(StandardCharsets.US_ASCII));
        synchronized (hb) {
            hb.timer = vertx.setPeriodic(intervalMillis, hb::tick);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                hb.endLeftOpen();
            }
        });
        return hb;
    }

    private synchronized void tick(long id) {
        if (stopped) {
            return;
        }
        if (out.ended() || out.closed()) {
            // the client left, or the answer went out some other way
            stopNow();
            return;
        }
        try {
            if (!out.headWritten()) {
                out.setStatusCode(200).setChunked(true);
                String contentType = shaper.contentType("text/event-stream");
                if (contentType != null) {
                    out.putHeader("content-type", contentType);
                }
            }
            out.write(Buffer.buffer(beat));
            headSent = true;
            beats++;
        } catch (IllegalStateException closedMeanwhile) {
            stopNow();
        }
    }

    /**
     * Stops the heartbeats for good (the answer's first byte, or its end, is about to be written).
     *
     * @return whether a heartbeat sent the response head: the answer can then no longer be an HTTP status
     */
    public synchronized boolean stop() {
        stopNow();
        return headSent;
    }

    /** Whether a heartbeat sent the response head. */
    public synchronized boolean headSent() {
        return headSent;
    }

    /** How many heartbeats were written. */
    public synchronized int beats() {
        return beats;
    }

    private void stopNow() {
        if (!stopped) {
            stopped = true;
            vertx.cancelTimer(timer);
        }
    }

    /** The exchange ended: a stream a heartbeat started and no step finished ends with an error event. */
    private void endLeftOpen() {
        boolean started = stop();
        if (started && !out.ended() && !out.closed()) {
            try {
                out.end(shaper.error(500, "INTERNAL", "Internal error in the gateway"));
            } catch (IllegalStateException closedMeanwhile) {
                // the client is gone: nothing left to tell
            }
        }
    }
}
