package dev.caravan.ops;

import java.util.Collection;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * {@code GET /health} on the main port, where gemini-balance's compose health check and other probes look: the same
 * verdict as {@code /observe/health} (Camel's checks and Caravan's: the port, the database, a usable key), 200
 * {@code {"status":"UP"}} or 503 {@code {"status":"DOWN"}}. Only the word: the reasons stay on the management port,
 * which is not open to everyone. Thread-safe.
 */
public final class MainPortHealth {

    /** Answers the health verdict. */
    public void answer(Exchange exchange) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(exchange.getContext());
        boolean up = !results.isEmpty() && results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("Cache-Control", "no-store");
        out.setBody(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }
}
