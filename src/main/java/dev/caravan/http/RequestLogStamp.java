package dev.caravan.http;

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
    public static final String METHOD = "caravanMethod";
    public static final String PATH = "caravanPath";

    /**
     * Stamps an exchange made for a request that no route took (an unknown path, a body over the limit), so that it
     * gets its log row too.
     */
    public static void stampEdge(Exchange exchange, String method, String path) {
        exchange.setProperty(ENDED_NANOS, System.nanoTime());
        exchange.setProperty(ENDED_MILLIS, System.currentTimeMillis());
        exchange.setProperty(METHOD, method);
        exchange.setProperty(PATH, path);
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ENDED_NANOS, System.nanoTime());
        exchange.setProperty(ENDED_MILLIS, System.currentTimeMillis());
        if (exchange.getProperty(PATH) == null && exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            exchange.setProperty(METHOD, http.getRequest().method().name());
            exchange.setProperty(PATH, http.getRequest().path());
        }
    }
}
