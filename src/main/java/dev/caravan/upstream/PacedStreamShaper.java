package dev.caravan.upstream;

import java.util.List;

import io.vertx.core.buffer.Buffer;

/**
 * A {@link StreamShaper} whose output the relay writes in pieces spaced in time (gemini-balance's stream optimizer):
 * {@link GeminiCall} sends each piece, then waits its pause on a Vert.x timer ({@link StreamPacer}) before the next
 * piece, the stream's end or its error tail. {@link #chunk} stays the shaper's unpaced form, for callers that write a
 * whole answer at once. One per stream, called one chunk at a time like any shaper; not thread-safe.
 */
public interface PacedStreamShaper extends StreamShaper {

    /** One piece of output and the pause that follows it. */
    record Piece(Buffer bytes, long pauseNanos) {
        public Piece {
            if (pauseNanos < 0) {
                throw new IllegalArgumentException("a pause cannot be negative");
            }
        }
    }

    /** What to send the client for a chunk from Google, in order; empty when the chunk completes nothing yet. */
    List<Piece> pieces(Buffer upstream);
}
