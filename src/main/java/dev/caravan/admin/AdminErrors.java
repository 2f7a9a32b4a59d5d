package dev.caravan.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every failure of the admin routes as {@code {"error":{"code","message"}}} with an honest status: a
 * refusal as itself (a 405 with its {@code Allow} header), anything unexpected as 500 without internals (those go
 * to the log). Thread-safe.
 */
public final class AdminErrors implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AdminErrors.class);

    private final ObjectMapper json;

    public AdminErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int code;
        String message;
        Object details = null;
        long retryAfter = 0;
        String allow = null;
        if (cause instanceof AdminError e) {
            code = e.status();
            message = e.getMessage();
            details = e.details();
            retryAfter = e.retryAfterSeconds();
        } else if (cause instanceof MethodNotAllowed e) {
            code = 405;
            message = e.getMessage();
            allow = e.allowed();
        } else {
            LOG.warn("Unexpected failure on {}", exchange.getFromRouteId(), cause);
            code = 500;
            message = "Internal error in the gateway";
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (details != null) {
            error.put("fields", details);
        }
        AdminReply.json(exchange, json, code, Map.of("error", error));
        if (retryAfter > 0) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(retryAfter));
        }
        if (allow != null) {
            // a 405 names the methods that would work (RFC 9110)
            exchange.getMessage().setHeader("Allow", allow);
        }
    }
}
