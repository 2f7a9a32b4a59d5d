package dev.caravan.upstream;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The two questions the upstream route's loop asks, as predicates the YAML names with the {@code ref} language:
 * whether another attempt is due, and whether the key pool gave this attempt a key. Stateless; thread-safe.
 */
public final class AttemptChecks {

    private AttemptChecks() {
    }

    /**
     * True before the first attempt, and after one that failed for its key while attempts (MAX_RETRIES) are left
     * and no stream byte reached the client (set by {@link FailoverDecision}); false once no key is left.
     */
    public static final Predicate ANOTHER_ATTEMPT = exchange -> context(exchange).again();

    /** True when the key pool chose a key for this attempt. */
    public static final Predicate KEY_CHOSEN = exchange -> context(exchange).key() != null;

    private static RequestContext context(Exchange exchange) {
        return exchange.getProperty(RequestContext.PROPERTY, RequestContext.class);
    }
}
