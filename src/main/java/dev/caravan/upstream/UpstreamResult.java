package dev.caravan.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * What one upstream attempt produced.
 *
 * @param status      Google's HTTP status, or 0 when no answer came (connection error, timeout)
 * @param contentType Google's content type, passed to the client as is
 * @param body        the whole answer for non-streamed calls and for errors; null for a relayed stream
 * @param committed   true when a stream's bytes already reached the client
 * @param failure     why no (complete) answer came, for connection errors, timeouts and broken streams
 */
public record UpstreamResult(int status, String contentType, Buffer body, boolean committed, String failure) {

    static UpstreamResult answer(int status, String contentType, Buffer body) {
        return new UpstreamResult(status, contentType, body, false, null);
    }

    static UpstreamResult noAnswer(String failure) {
        return new UpstreamResult(0, null, null, false, failure);
    }

    static UpstreamResult relayed(String contentType) {
        return new UpstreamResult(200, contentType, null, true, null);
    }

    static UpstreamResult broken(String contentType, String failure) {
        return new UpstreamResult(200, contentType, null, true, failure);
    }

    static UpstreamResult clientGone() {
        return new UpstreamResult(499, null, null, true, "client closed the connection");
    }
}
