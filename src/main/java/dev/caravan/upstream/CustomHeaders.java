package dev.caravan.upstream;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The operator's CUSTOM_HEADERS (gemini-balance's name) as the upstream contract's {@code Caravan-Upstream-<Name>}
 * headers, so they reach Google on every attempt of every call; a route that set a header of the same name itself
 * keeps its own. The names and values were checked when the setting was read. Thread-safe.
 */
public final class CustomHeaders implements Processor {

    private final Supplier<Map<String, String>> headers;

    /** @param headers the headers in force, read for each call (an operator may change them) */
    public CustomHeaders(Supplier<Map<String, String>> headers) {
        this.headers = headers;
    }

    @Override
    public void process(Exchange exchange) {
        Map<String, String> extra = headers.get();
        if (extra.isEmpty()) {
            return;
        }
        Message in = exchange.getMessage();
        for (Map.Entry<String, String> h : extra.entrySet()) {
            String name = Upstream.FORWARD_PREFIX + h.getKey();
            // Camel's headers are case-insensitive: a route's X-Team and the operator's x-team are one header
            if (in.getHeader(name) == null) {
                in.setHeader(name, h.getValue());
            }
        }
    }
}
