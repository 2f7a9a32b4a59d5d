package dev.caravan.dialect;

import dev.caravan.upstream.UpstreamReply;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders any failure of a Gemini-surface route in Google's envelope with an honest status: a {@link ClientError}
 * as itself, anything unexpected as 500 without internals. Used by the {@code gemini-errors} route
 * configuration, so every Gemini route fails the same way. Thread-safe.
 */
public final class GeminiErrors implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiErrors.class);

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int code;
        String status;
        String message;
        if (cause instanceof ClientError ce) {
            code = ce.httpStatus();
            status = ce.status();
            message = ce.getMessage();
        } else {
            // exception messages of our own code never hold secrets, but stack traces stay in the log
            LOG.warn("Unexpected failure on {}", exchange.getFromRouteId(), cause);
            code = 500;
            status = "INTERNAL";
            message = "Internal error in the gateway";
        }
        UpstreamReply.reply(exchange.getMessage(), code, "application/json; charset=UTF-8", GoogleErrors.body(code, status, message));
    }
}
