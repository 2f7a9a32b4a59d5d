package dev.caravan.http;

import dev.caravan.dialect.openai.OpenAiErrorBody;
import dev.caravan.errors.GoogleErrors;
import dev.caravan.security.ClientAddress;
import dev.caravan.security.TokenVerifier;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * The answers the HTTP edge gives itself, below the routes (an unknown path, a body over the limit, a malformed or
 * ambiguously framed request, a gateway that is stopping): JSON in the caller's dialect, OpenAI's envelope under
 * {@code /v1/}, {@code /hf/} and {@code /openai/}, Google's anywhere else (which also has the admin API's
 * {@code code} and {@code message}). Each one gets its request_log row like any answered request. Thread-safe.
 */
public final class EdgeAnswers {

    /** Where every answered request goes to become a request_log row. */
    private static final String REQUEST_LOG = "direct:request-log-write";

    private final CamelContext context;
    private final ProducerTemplate logWriter;

    public EdgeAnswers(CamelContext context) {
        this.context = context;
        this.logWriter = context.createProducerTemplate();
    }

    /**
     * Answers {@code code} with the message in the caller's dialect, unless an answer has begun already.
     *
     * @param status Google's status word for the code (e.g. {@code INVALID_ARGUMENT})
     * @param close  whether the connection ends with this answer (its framing cannot be trusted, a body is left unread,
     *               or the gateway is stopping)
     */
    public void answer(HttpServerRequest request, int code, String status, String message, boolean close) {
        HttpServerResponse res = request.response();
        if (res.ended() || res.headWritten()) {
            return;
        }
        String path = request.path();
        res.setStatusCode(code).putHeader("content-type", "application/json; charset=UTF-8");
        if (close) {
            res.putHeader("connection", "close");
        }
        var written = res.end(isOpenAi(path) ? OpenAiErrorBody.json(code, message) : GoogleErrors.body(code, status, message));
        if (close) {
            // once the answer is out: a request body left unread would otherwise hold the connection. A body too
            // large is still arriving: the client reads its 413 only if the rest is taken first (LingeringClose);
            // framing that cannot be trusted, or a gateway that stops, ends the connection at once
            written.onComplete(done -> {
                if (code == 413) {
                    LingeringClose.close(request);
                } else {
                    request.connection().close();
                }
            });
        }
        log(request, code);
    }

    /** A request no route took still gets its log row, written off the event loop like every other. */
    private void log(HttpServerRequest request, int code) {
        try {
            Exchange exchange = new DefaultExchange(context);
            RequestLogStamp.stampEdge(exchange, request.method().name(), request.path() == null ? "" : request.path());
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
            if (code == 404) {
                // a path no route serves is a scanner's noise, sampled in the log like other unauthenticated requests
                exchange.setProperty(TokenVerifier.REFUSED,
                        new TokenVerifier.Refusal(ClientAddress.of(request), TokenVerifier.Refusal.UNKNOWN_PATH));
            }
            // on this thread: the log's step only computes the rows and queues them, never waits
            logWriter.send(REQUEST_LOG, exchange);
        } catch (RuntimeException e) {
            // the answer went out; a log row must never fail it
        }
    }

    static boolean isOpenAi(String path) {
        return path != null && (path.startsWith("/v1/") || path.startsWith("/hf/") || path.startsWith("/openai/"));
    }
}
