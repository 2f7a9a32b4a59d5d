package dev.caravan.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * Ends the connection of a request answered before its body was read (413, a 401 from the head alone, an upload
 * refused midway), the way nginx's lingering close does: the rest of the body is read and thrown away, and the
 * connection closes once it has all arrived, after {@value #IDLE_MS} ms without a byte of it, or {@value #MAX_MS} ms
 * in all. Closing at once, with the client still sending, makes the kernel reset the connection, and a reset can
 * destroy the answer in the client's receive buffer before the client reads it: HTTP clients that write the whole
 * body before they read (Node's fetch, which the Google and OpenAI SDKs use) then report "fetch failed" or EPIPE
 * instead of the 413. Nothing read is kept. Event-loop only.
 */
final class LingeringClose {

    /** Silence from the client after which its body is taken to be abandoned. */
    static final long IDLE_MS = 2_000;
    /** The longest a connection is kept open for the rest of a body it will never use. */
    static final long MAX_MS = 30_000;

    private final HttpServerRequest request;
    private final HttpConnection connection;
    private final Vertx vertx;
    private final long start = System.nanoTime();
    private long lastData = start;
    private boolean closed;

    private LingeringClose(HttpServerRequest request, Vertx vertx) {
        this.request = request;
        this.connection = request.connection();
        this.vertx = vertx;
    }

    /** Closes the request's connection now when its body has all arrived, else once the rest of it has. */
    static void close(HttpServerRequest request) {
        Context context = Vertx.currentContext();
        if (request.isEnded() || context == null) {
            request.connection().close();
            return;
        }
        new LingeringClose(request, context.owner()).start();
    }

    private void start() {
        request.handler(discarded -> lastData = System.nanoTime());
        request.exceptionHandler(failure -> close());
        request.endHandler(v -> close());
        request.resume();
        vertx.setTimer(IDLE_MS, id -> check());
    }

    /** Closing a connection the client closed meanwhile does nothing, so no close handler of the connection is taken. */
    private void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long idle = (now - lastData) / 1_000_000;
        long total = (now - start) / 1_000_000;
        if (idle >= IDLE_MS || total >= MAX_MS) {
            close();
        } else {
            vertx.setTimer(Math.min(IDLE_MS - idle, MAX_MS - total), id -> check());
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            connection.close();
        }
    }
}
