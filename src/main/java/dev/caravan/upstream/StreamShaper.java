package dev.caravan.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * Shapes a relayed stream for the client: passes Google's bytes on (Gemini surface) or translates them
 * (OpenAI surface). One per stream; called on the upstream connection's event loop, one call at a time, so
 * implementations need not be thread-safe.
 */
public interface StreamShaper {

    /** The content type the client sees, given Google's. */
    String contentType(String upstreamContentType);

    /** What to send the client for a chunk from Google; empty when the chunk completes nothing yet. */
    Buffer chunk(Buffer upstream);

    /** What to send when Google ended the stream normally (may be empty). */
    Buffer end();

    /** What ends the stream when it breaks after bytes reached the client. */
    Buffer error(int code, String googleStatus, String message);

    /**
     * An empty SSE event: two blank lines, which every SSE reader skips. The Gemini surface's heartbeat, since
     * Google's own Python SDK takes every line that does not start with "data: " for JSON, comments included.
     */
    String SSE_BLANK_EVENT = "\r\n\r\n";
    /** An SSE comment, which SSE readers (OpenAI's SDKs among them) skip: the OpenAI surfaces' heartbeat. */
    String SSE_COMMENT = ": heartbeat\n\n";

    /**
     * What keeps the client's connection busy while no event has come yet ({@link StreamHeartbeat}): bytes that
     * carry no data for the client, or null when the format has no room for them (Google's streamed JSON array).
     */
    default String heartbeat() {
        return null;
    }

    /**
     * Why the stream failed although Google's connection ended cleanly (Google sent its own error event), or
     * null. A failed stream counts as a strike against the key, like a broken one.
     */
    default String failure() {
        return null;
    }

    /**
     * The bytes that follow the last {@link #chunk} or {@link #end} but are not ready yet (an image being uploaded
     * so that the client gets its link), or null when there are none. Asked right after each of those calls. The
     * relay writes what the call returned, pauses Google's stream until this completes, writes its bytes, and goes
     * on, so chunk order holds; the future completes on the stream's event loop, and its wait is bounded by whoever
     * made it. A failed future ends the stream as a translation failure.
     */
    default io.vertx.core.Future<Buffer> later() {
        return null;
    }

    /** How a pass-through stream words a break after its first byte. */
    @FunctionalInterface
    interface ErrorTail {
        Buffer tail(int code, String googleStatus, String message);
    }

    /** Google's bytes passed on unchanged, with Google's content type; a break ends with {@code tail}. */
    static StreamShaper passThrough(ErrorTail tail) {
        return passThrough(tail, null);
    }

    /** Google's bytes passed on unchanged; {@code heartbeat} while none has come yet (null: none). */
    static StreamShaper passThrough(ErrorTail tail, String heartbeat) {
        return new StreamShaper() {
            @Override
            public String heartbeat() {
                return heartbeat;
            }

            @Override
            public String contentType(String upstreamContentType) {
                return upstreamContentType;
            }

            @Override
            public Buffer chunk(Buffer upstream) {
                return upstream;
            }

            @Override
            public Buffer end() {
                return Buffer.buffer(0);
            }

            @Override
            public Buffer error(int code, String googleStatus, String message) {
                return tail.tail(code, googleStatus, message);
            }
        };
    }
}
