package dev.caravan.dialect;

import dev.caravan.errors.ClientError;
import dev.caravan.upstream.UpstreamReply;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders any failure of a surface's routes in that surface's envelope with an honest status: a refused request
 * as itself (with its Retry-After, if it has one), anything unexpected as 500 without internals. Each surface's route configuration uses one, so every
 * route of a surface fails the same way. Thread-safe.
 */
public final class DialectErrors implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DialectErrors.class);
    private static final String JSON = "application/json; charset=UTF-8";

    private final ErrorDialect dialect;

    public DialectErrors(ErrorDialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String body;
        int code;
        if (cause instanceof ClientError ce) {
            code = ce.httpStatus();
            body = dialect.render(ce);
        } else if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            // a route's unmarshal of the client's body (an operator's endpoint): the client sent no valid JSON
            code = 400;
            body = dialect.render(400, "INVALID_ARGUMENT", "The request body is not valid JSON");
        } else {
            // our exception messages never hold secrets, but stack traces belong in the log, not in an answer
            LOG.warn("Unexpected failure on {}", exchange.getFromRouteId(), cause);
            code = 500;
            body = dialect.render(500, "INTERNAL", "Internal error in the gateway");
        }
        UpstreamReply.reply(exchange.getMessage(), code, JSON, body);
        if (cause instanceof ClientError ce && ce.retryAfterSeconds() > 0) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(ce.retryAfterSeconds()));
        }
    }
}
