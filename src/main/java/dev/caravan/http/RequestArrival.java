package dev.caravan.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The first step of every API endpoint (the route template in routes/endpoints.camel.yaml): notes when the request
 * arrived, its method and path, and the client's connection (a stream is relayed straight to it, even after a route
 * replaced the message). Thread-safe.
 */
public final class RequestArrival implements Processor {

    /**
     * The exchange property with what the first step noted of the request ({@link Arrival}): one property, not four,
     * since the wire tap copies every property of every request (bench/alloc.sh).
     */
    public static final String ARRIVAL = "caravanArrival";
    /** The exchange property with the client's request body as it arrived, while ERROR_LOG_RECORD_REQUEST_BODY is on. */
    public static final String REQUEST_BODY = "caravanRequestBody";

    private final java.util.function.BooleanSupplier keepBody;

    public RequestArrival() {
        this(() -> false);
    }

    /** @param keepBody whether to keep the request body for the error log (ERROR_LOG_RECORD_REQUEST_BODY, live) */
    public RequestArrival(java.util.function.BooleanSupplier keepBody) {
        this.keepBody = keepBody;
    }

    /**
     * When the request reached its first step (System.nanoTime()), its method and path (without the query string, which
     * may hold a token), and the client's connection; method, path and connection are null when it did not come over
     * HTTP. Noted on arrival: a route may replace the message (unmarshal, a call out) before the request log reads it.
     * The request id is the exchange's own id, noted here because the wire tap's copy, which the log reads, has an id
     * of its own and Camel's wire tap drops the copy's link to the original (null: the log names the exchange it has).
     */
    public record Arrival(long nanos, String method, String path, HttpServerResponse client, String requestId) {
    }

    @Override
    public void process(Exchange exchange) {
        long arrived = System.nanoTime();
        if (keepBody.getAsBoolean() && exchange.getMessage().getBody() != null) {
            // a reference to the body already in memory; a route may replace the message before the log reads it
            exchange.setProperty(REQUEST_BODY, exchange.getMessage().getBody());
        }
        if (exchange.getMessage() instanceof HttpMessage http) {
            HttpServerRequest request = http.getRequest();
            exchange.setProperty(ARRIVAL, new Arrival(arrived, request == null ? null : request.method().name(),
                    request == null ? null : request.path(), http.getResponse(), exchange.getExchangeId()));
            if (request != null) {
                // the wait for a cooling key stays within what the client will wait (issue 14)
                ClientDeadline.note(exchange, request, arrived);
            }
        } else {
            exchange.setProperty(ARRIVAL, new Arrival(arrived, null, null, null, exchange.getExchangeId()));
        }
    }

    /** What the first step noted of the request, or null when it did not pass through it. */
    public static Arrival of(Exchange exchange) {
        return exchange.getProperty(ARRIVAL, Arrival.class);
    }

    /** The connection of the client that made the request, or null when it did not come over HTTP. */
    public static HttpServerResponse client(Exchange exchange) {
        Arrival arrival = of(exchange);
        HttpServerResponse response = arrival == null ? null : arrival.client();
        if (response == null && exchange.getMessage() instanceof HttpMessage http) {
            response = http.getResponse();
        }
        return response;
    }
}
