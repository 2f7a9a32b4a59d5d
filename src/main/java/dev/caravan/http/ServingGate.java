package dev.caravan.http;

import java.util.Locale;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of the main port, before any route or body is read. It refuses, in the caller's dialect and
 * closing the connection:
 * <ul>
 *   <li>every request once Caravan is stopping: 503 with {@code Retry-After}, so a client retries elsewhere or
 *       later instead of meeting routes that are being taken down;</li>
 *   <li>a request whose length is ambiguous: {@code Transfer-Encoding} together with {@code Content-Length}, or a
 *       {@code Transfer-Encoding} whose last coding is not {@code chunked} (RFC 9112 §6.3): 400.</li>
 * </ul>
 * Thread-safe.
 */
final class ServingGate implements Handler<RoutingContext> {

    private final EdgeAnswers answers;
    private volatile boolean stopping;

    ServingGate(EdgeAnswers answers) {
        this.answers = answers;
    }

    /** From now on every request is answered 503. */
    void stopServing() {
        stopping = true;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        if (stopping) {
            req.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(CaravanHttpServer.STOPPING_RETRY_AFTER_SECONDS));
            answers.answer(req, 503, "UNAVAILABLE", "Caravan is stopping: retry in a few seconds", true);
            return;
        }
        // nearly every request has no Transfer-Encoding: one lookup, no list
        String te = req.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                ? String.join(",", req.headers().getAll(HttpHeaders.TRANSFER_ENCODING)) : null;
        if (te != null && (req.headers().contains(HttpHeaders.CONTENT_LENGTH) || !lastCodingIsChunked(te))) {
            answers.answer(req, 400, "INVALID_ARGUMENT",
                    "Ambiguous request length: send Content-Length or Transfer-Encoding: chunked, not both", true);
            return;
        }
        rc.next();
    }

    private static boolean lastCodingIsChunked(String transferEncoding) {
        String[] codings = transferEncoding.split(",");
        return codings[codings.length - 1].trim().toLowerCase(Locale.ROOT).equals("chunked");
    }
}
