package dev.caravan.http;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The wire tap's {@code onPrepare}: runs on the request's own thread, on the tapped copy, just before the copy is
 * handed to the request log. Notes when the request ended; the client's method and path (without the query string,
 * which may hold a token) were noted on arrival ({@link RequestArrival}), and are read here only for a request that
 * did not pass through it. Costs a clock read and two properties. Thread-safe.
 */
public final class RequestLogStamp implements Processor {

    public static final String ENDED_NANOS = "caravanEndedNanos";
    public static final String ENDED_MILLIS = "caravanEndedMillis";

    /**
     * Stamps an exchange made for a request that no route took (an unknown path, a body over the limit), so that it
     * gets its log row too: it arrived as it ended, as far as the log can tell.
     */
    public static void stampEdge(Exchange exchange, String method, String path) {
        long now = System.nanoTime();
        exchange.setProperty(ENDED_NANOS, now);
        exchange.setProperty(ENDED_MILLIS, System.currentTimeMillis());
        exchange.setProperty(RequestArrival.ARRIVAL, new RequestArrival.Arrival(now, method, path, null, null));
    }

    @Override
    public void process(Exchange exchange) {
        long now = System.nanoTime();
        exchange.setProperty(ENDED_NANOS, now);
        exchange.setProperty(ENDED_MILLIS, System.currentTimeMillis());
        RequestArrival.Arrival arrival = RequestArrival.of(exchange);
        if ((arrival == null || arrival.path() == null) && exchange.getMessage() instanceof HttpMessage http
                && http.getRequest() != null) {
            HttpServerRequest request = http.getRequest();
            exchange.setProperty(RequestArrival.ARRIVAL, new RequestArrival.Arrival(
                    arrival == null ? now : arrival.nanos(), request.method().name(), request.path(),
                    arrival == null ? http.getResponse() : arrival.client(),
                    arrival == null ? null : arrival.requestId()));
        }
    }
}
