package dev.caravan.upstream;

/**
 * Google did not answer usefully (5xx, connection error, timeout, a broken stream). Raised inside the circuit
 * breaker so that it counts towards opening it; the details stay in the request context. The message never
 * holds a key: keys travel in a header, not in the URL that connection errors name.
 */
public final class UpstreamUnavailableException extends Exception {

    public UpstreamUnavailableException(String message) {
        super(message, null, false, false);
    }
}
