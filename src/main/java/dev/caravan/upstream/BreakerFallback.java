package dev.caravan.upstream;

import dev.caravan.keys.Evidence;
import dev.caravan.keys.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The circuit breaker's fallback. When the call failed (5xx, timeout, connection error) the request context
 * already holds what happened and the usual decision follows. When the breaker refused to call at all, Google
 * is failing as a whole: the attempt is marked so that no key is blamed and no other key is tried.
 */
public final class BreakerFallback implements Processor {

    @Override
    public void process(Exchange exchange) {
        RequestContext ctx = RequestContext.of(exchange);
        if (ctx.result() == null) {
            ctx.result(UpstreamResult.noAnswer("circuit breaker open"));
            ctx.verdict(new Verdict(Verdict.Kind.BREAKER_OPEN, 0,
                    new Evidence(0, "BREAKER_OPEN", null, System.currentTimeMillis())));
        }
    }
}
