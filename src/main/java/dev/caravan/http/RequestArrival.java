package dev.caravan.http;

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

    /** The exchange property with the System.nanoTime() at which the request reached its first step. */
    public static final String ARRIVED_NANOS = "caravanArrivedNanos";
    private static final String CLIENT = "caravanClientResponse";
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

    @Override
    public void process(Exchange exchange) {
        long arrived = System.nanoTime();
        exchange.setProperty(ARRIVED_NANOS, arrived);
        if (keepBody.getAsBoolean() && exchange.getMessage().getBody() != null) {
            // a reference to the body already in memory; a route may replace the message before the log reads it
            exchange.setProperty(REQUEST_BODY, exchange.getMessage().getBody());
        }
        if (exchange.getMessage() instanceof HttpMessage http) {
            exchange.setProperty(CLIENT, http.getResponse());
            // noted now: a route may replace the message (unmarshal, a call out) before the request log reads them
            if (http.getRequest() != null) {
                exchange.setProperty(RequestLogStamp.METHOD, http.getRequest().method().name());
                exchange.setProperty(RequestLogStamp.PATH, http.getRequest().path());
                // the wait for a cooling key stays within what the client will wait (issue 14)
                ClientDeadline.note(exchange, http.getRequest(), arrived);
            }
        }
    }

    /** The connection of the client that made the request, or null when it did not come over HTTP. */
    public static HttpServerResponse client(Exchange exchange) {
        HttpServerResponse response = exchange.getProperty(CLIENT, HttpServerResponse.class);
        if (response == null && exchange.getMessage() instanceof HttpMessage http) {
            response = http.getResponse();
        }
        return response;
    }
}
