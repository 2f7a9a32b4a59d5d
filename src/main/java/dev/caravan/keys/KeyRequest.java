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

    /**
     * The pool the request draws its keys from, or null for the pool whose step runs (a request names another pool
     * through the upstream contract's CaravanPool header).
     */
    default KeyRoundRobin keyPool() {
        return null;
    }

    /** The fingerprint of the one key this request may use (its files live in that key's project), or null. */
    default String pinnedKey() {
        return null;
    }

    /**
     * The request's input tokens as estimated before it is sent ({@link QuotaBudgets#estimateTokens}), taken from the
     * budget of the chosen key's project; 0 when unknown.
     */
    default long inputTokens() {
        return 0;
    }

    /** The pool took {@code tokens} for the attempt with the key just chosen, at {@code atMillis}. */
    default void tokensTaken(long atMillis, long tokens) {
    }

    /** No key could be picked before any attempt: -1 when none is usable, otherwise ms until one returns. */
    void noKeyLeft(long retryAfterMillis);
}
