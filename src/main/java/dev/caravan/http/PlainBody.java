package dev.caravan.http;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Reads a plain request body (a JSON call, not a form or an upload) of announced length into the routing context, as
 * Vert.x Web's body handler does, without the handler's copy: Vert.x hands each chunk of a request as a buffer of its
 * own, and a body that arrives in one chunk (almost every API call: the head and a few kilobytes of JSON come in one
 * read) is kept as that buffer. A body of several chunks is gathered as the body handler gathers it (at most 64 KiB
 * set aside before its bytes arrive, however much was announced). Measured by bench/alloc.sh: 28.7 to 27.6 KB
 * allocated per generateContent call with a 1.6 KB body.
 *
 * <p>It takes only what it can serve exactly as the body handler would: a {@code Content-Length} within the limit,
 * no {@code Transfer-Encoding}, no {@code Expect}, no form content type, and a request not read before (a reroute);
 * {@link #read} says no to everything else, which the body handler then reads. Thread-safe (state is per request).
 */
final class PlainBody {

    /** What Vert.x Web's body handler sets aside at most before a body's bytes arrive. */
    static final int MAX_PREALLOCATED = 64 * 1024;

    private PlainBody() {
    }

    /**
     * Starts reading {@code rc}'s body when it is a plain one within {@code limit} bytes; the route goes on with the
     * body set once its last byte arrived.
     *
     * @return false when the request is not one this reads (nothing was done: the body handler's turn)
     */
    static boolean read(RoutingContext rc, long limit) {
        HttpServerRequest req = rc.request();
        RoutingContextInternal internal = (RoutingContextInternal) rc;
        long length = announcedLength(req);
        if (length < 0 || length > limit || req.isEnded() || internal.seenHandler(RoutingContextInternal.BODY_HANDLER)
                || req.headers().contains(HttpHeaders.TRANSFER_ENCODING) || req.headers().contains(HttpHeaders.EXPECT)
                || form(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
            return false;
        }
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        Gathered body = new Gathered((int) length);
        req.handler(body::add);
        req.exceptionHandler(failure -> {
            // as the body handler: a body the decoder refused is the client's error
            if (failure instanceof DecoderException) {
                rc.fail(400, failure.getCause() != null ? failure.getCause() : failure);
            } else {
                rc.fail(failure);
            }
        });
        req.endHandler(v -> {
            if (!rc.failed()) {
                internal.setBody(body.whole());
                rc.next();
            }
        });
        req.resume();
        return true;
    }

    /** The Content-Length, or -1 when there is none or it is not a number. */
    private static long announcedLength(HttpServerRequest req) {
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Forms and uploads go to the body handler, which turns them into attributes and files. */
    private static boolean form(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.trim();
        return type.regionMatches(true, 0, "multipart/", 0, 10)
                || type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
    }

    /** The chunks of one body: the first kept as it came, later ones appended to a buffer of the body's own. */
    private static final class Gathered {
        private final int announced;
        private Buffer body;
        private boolean own;

        Gathered(int announced) {
            this.announced = announced;
        }

        void add(Buffer chunk) {
            if (body == null) {
                body = chunk;
            } else {
                if (!own) {
                    // a second chunk: from here on the body is gathered in a buffer that belongs to it
                    Buffer gathered = Buffer.buffer(Math.min(announced, MAX_PREALLOCATED));
                    gathered.appendBuffer(body);
                    body = gathered;
                    own = true;
                }
                body.appendBuffer(chunk);
            }
        }

        Buffer whole() {
            return body == null ? Buffer.buffer() : body;
        }
    }
}
