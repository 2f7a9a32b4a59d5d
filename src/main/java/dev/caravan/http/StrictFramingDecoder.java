package dev.caravan.http;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, except that a request carrying both {@code Transfer-Encoding: chunked} and
 * {@code Content-Length} is malformed instead of quietly read as chunked. Netty drops the Content-Length of such a
 * request before anything above it can see there was one; a proxy in front of Caravan that trusted the length
 * would frame the stream differently, which is how requests are smuggled. Refused here, the request reaches Vert.x
 * as invalid, is answered 400 and its connection closed, and the bytes after its head are never parsed.
 */
final class StrictFramingDecoder extends VertxHttpRequestDecoder {

    /** The cause a refused request carries, so the edge can say why. */
    static final class AmbiguousFraming extends IllegalArgumentException {
        AmbiguousFraming() {
            super("both Transfer-Encoding and Content-Length");
        }
    }

    StrictFramingDecoder(HttpServerOptions options) {
        super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new AmbiguousFraming();
    }
}
