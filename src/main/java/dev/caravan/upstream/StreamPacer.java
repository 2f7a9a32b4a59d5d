package dev.caravan.upstream;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one stream's {@link PacedStreamShaper.Piece}s to the client in order, each after the pause of the piece before
 * it, without blocking a thread: one Vert.x timer at a time, on the context of the upstream connection. While pieces
 * wait, Google's answer is held back ({@code hold}) and let go again ({@code release}) once the last is written, so
 * a slow pace or a slow client never piles up memory. The stream's end (or its error tail) is written after the last
 * piece's pause. Pauses count from the moment each piece was due, so late timers do not stretch a run of pieces, and
 * a run of n pieces spans at least n - 1 pauses.
 *
 * <p>Threading: {@link #write} and {@link #end} are called on the upstream connection's context (where the relay's
 * handlers run), which is the context the pacer was made on; {@link #abort} may come from any thread and hops there.
 */
public final class StreamPacer {

    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse out;
    private final Runnable hold;
    private final Runnable release;
    private final ArrayDeque<PacedStreamShaper.Piece> queue = new ArrayDeque<>();
    /** When the next write may happen (System.nanoTime), once a piece was written. */
    private long notBefore;
    private boolean paced;
    private long timer = -1;
    private boolean waitingForDrain;
    private boolean holding;
    private Buffer tail;
    private Consumer<Boolean> ended;
    private boolean finished;
    private volatile boolean aborted;

    /**
     * @param hold    pauses Google's answer (called on the context, when pieces start waiting)
     * @param release resumes it (when none waits any more)
     */
    public StreamPacer(Vertx vertx, HttpServerResponse out, Runnable hold, Runnable release) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.out = out;
        this.hold = hold;
        this.release = release;
    }

    /** Queues pieces after those still waiting, and writes what is due. */
    public void write(List<PacedStreamShaper.Piece> pieces) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> write(pieces));
            return;
        }
        if (finished || aborted || tail != null) {
            return;
        }
        queue.addAll(pieces);
        step();
    }

    /**
     * Ends the stream with {@code last} once every queued piece went out and its pause passed, then calls
     * {@code whenEnded} with true; with false instead when the client left first (nothing more is written then).
     */
    public void end(Buffer last, Consumer<Boolean> whenEnded) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> end(last, whenEnded));
            return;
        }
        if (finished) {
            return;
        }
        tail = last;
        ended = whenEnded;
        if (aborted) {
            finish(false);
            return;
        }
        step();
    }

    /** The client left: drops what waits, stops the timer and tells a pending {@link #end} so. Any thread. */
    public void abort() {
        aborted = true;
        context.runOnContext(v -> {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            queue.clear();
            if (ended != null) {
                finish(false);
            }
        });
    }

    /** Writes what is due now and arms one timer for the rest; only ever one timer or one drain wait at a time. */
    private void step() {
        if (timer >= 0 || waitingForDrain || finished) {
            return;
        }
        while (!aborted) {
            long now = System.nanoTime();
            if (queue.isEmpty() && tail == null) {
                if (holding) {
                    holding = false;
                    release.run();
                }
                return;
            }
            if (paced && now - notBefore < 0) {
                if (!holding && !queue.isEmpty()) {
                    holding = true;
                    hold.run();
                }
                long millis = Math.max(1, (notBefore - now + 999_999) / 1_000_000);
                timer = vertx.setTimer(millis, id -> {
                    timer = -1;
                    step();
                });
                return;
            }
            if (queue.isEmpty()) {
                try {
                    out.end(tail);
                } catch (IllegalStateException closed) {
                    // the client left while the end was due
                }
                finish(true);
                return;
            }
            if (out.writeQueueFull()) {
                // the client reads slower than the pace: wait for it, holding Google back meanwhile
                if (!holding) {
                    holding = true;
                    hold.run();
                }
                waitingForDrain = true;
                out.drainHandler(v -> {
                    waitingForDrain = false;
                    step();
                });
                return;
            }
            PacedStreamShaper.Piece piece = queue.poll();
            try {
                out.write(piece.bytes());
            } catch (IllegalStateException closed) {
                // the response ended under us (the client left); its close handler aborts the pacer
                queue.clear();
                return;
            }
            // on time or late by less than a pause: keep the cadence; later (an idle stream): count from now
            long base = paced && now - notBefore < piece.pauseNanos() ? notBefore : now;
            notBefore = base + piece.pauseNanos();
            paced = true;
        }
    }

    private void finish(boolean delivered) {
        finished = true;
        queue.clear();
        Consumer<Boolean> e = ended;
        ended = null;
        if (e != null) {
            e.accept(delivered);
        }
    }
}
