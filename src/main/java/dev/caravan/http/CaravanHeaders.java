package dev.caravan.http;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Drops every header whose name starts with "Caravan" (any case): on arrival, so that a client cannot speak the
 * routes' own contract (a Caravan-Upstream-* header or query parameter would otherwise reach Google); before the
 * answer, so that the contract's headers stay inside the gateway. A plain prefix test per header: Camel's
 * removeHeaders with a pattern compiles a regular expression for every header it does not match. Thread-safe.
 */
public final class CaravanHeaders implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().getHeaders().keySet().removeIf(name -> name.regionMatches(true, 0, "caravan", 0, 7));
    }
}
