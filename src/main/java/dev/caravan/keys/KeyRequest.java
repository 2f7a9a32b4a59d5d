package dev.caravan.keys;

/**
 * What the pool needs from a request to choose its next key: the model, the keys it tried, and where the choice
 * goes. The upstream route keeps one per request in the exchange property {@link #PROPERTY}; routes never touch it.
 */
public interface KeyRequest {

    /** The exchange property that holds the request's state between the upstream route's beans. */
    String PROPERTY = "caravan";

    /** The model asked for, or null for calls that are not per model (listing models). */
    String model();

    /** Keys this request already used; a retry never takes one of them again. */
    TriedKeys tried();

    /** The key for the next attempt, or null when none is eligible. */
    void useKey(ApiKey key);

    /** No key could be picked before any attempt: -1 when none is usable, otherwise ms until one returns. */
    void noKeyLeft(long retryAfterMillis);

    /** The pool the route chose for this call (Upstream's CaravanPool), or null for the pool that is asked. */
    default KeyRoundRobin pool() {
        return null;
    }
}
