package dev.caravan.http;

import java.time.Duration;

import dev.caravan.storage.RequestLogFlush;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Drains the main port when Caravan begins to stop: Camel says the context is stopping before it stops a single
 * route, so the requests in flight finish on routes that are all still there, and no new request meets a route
 * that is going away. Calls to Google that outlast the bound are ended with an answer that says Caravan is stopping
 * ({@link dev.caravan.upstream.OpenCalls}). Then the request log's writer is given a moment to write the rows those
 * requests left ({@link RequestLogFlush}), so that Camel's graceful shutdown, which looks only once a second, finds nothing pending.
 * The routes stop afterwards, the request log's among the last.
 */
public final class DrainAtShutdown extends EventNotifierSupport {

    private final CaravanHttpServer server;
    private final dev.caravan.upstream.OpenCalls calls;
    private final Duration bound;
    private final RequestLogFlush logFlush;
    private final Duration logBound;

    /**
     * @param bound    how long requests in flight may take to finish
     * @param calls    the calls to Google under way, ended once the bound has passed
     * @param logFlush the request log's last rows
     * @param logBound how long they may take to be written before Camel's own wait takes over
     */
    public DrainAtShutdown(CaravanHttpServer server, Duration bound, dev.caravan.upstream.OpenCalls calls,
                           RequestLogFlush logFlush, Duration logBound) {
        this.server = server;
        this.calls = calls;
        this.bound = bound;
        this.logFlush = logFlush;
        this.logBound = logBound;
        // only the context's stopping matters: said here, Camel creates no exchange, route, service or step event on
        // this notifier's account (Micrometer's route-event notifier, which did ask, is off: application.properties)
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreCamelContextInitEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        server.drain(bound, calls::cutAll);
        logFlush.await(logBound);
    }
}
