package dev.caravan.http;

import java.time.Duration;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Drains the main port when Caravan begins to stop: Camel says the context is stopping before it stops a single
 * route, so the requests in flight finish on routes that are all still there, and no new request meets a route
 * that is going away. The routes stop afterwards, the request log's last rows among the last.
 */
public final class DrainAtShutdown extends EventNotifierSupport {

    private final CaravanHttpServer server;
    private final Duration bound;

    public DrainAtShutdown(CaravanHttpServer server, Duration bound) {
        this.server = server;
        this.bound = bound;
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
        server.drain(bound);
    }
}
