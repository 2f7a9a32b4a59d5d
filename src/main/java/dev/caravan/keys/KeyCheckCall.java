package dev.caravan.keys;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The one call that proves a key without spending generation quota, shared by the scheduled re-check and the
 * admin page's "verify": the message it sends (nothing but the key in x-goog-api-key) and the answer it reads,
 * after which the key is taken off the message again. Stateless; thread-safe.
 */
public final class KeyCheckCall {

    private static final String KEY = "caravanCheckedKey";

    private KeyCheckCall() {
    }

    /** Google's answer to the check of {@code key}. */
    public record Answer(ApiKey key, int status, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * 404: Google took the key and found no TEST_MODEL (a model it shut down, or a name it never served). A key
         * that is invalid, suspended or blocked is refused before any model is looked up, so this answer proves the
         * key as well as a 200 does; the operator still has to hear that TEST_MODEL needs changing.
         */
        public boolean modelNotServed() {
            return status == 404;
        }

        /** The key is proven: Google answered its check, whether or not it serves TEST_MODEL. */
        public boolean keyAccepted() {
            return ok() || modelNotServed();
        }
    }

    /** Turns the message (whose body is the key) into the check request. */
    public static void prepare(Exchange exchange) {
        Message msg = exchange.getMessage();
        ApiKey key = msg.getBody(ApiKey.class);
        exchange.setProperty(KEY, key);
        msg.getHeaders().clear();
        msg.setBody(null);
        msg.setHeader(KeyRoundRobin.KEY_HEADER, key.secret());
    }

    /** Reads the answer and clears the message: the key must not stay on it once its call is over. */
    public static Answer read(Exchange exchange) {
        Message msg = exchange.getMessage();
        ApiKey key = exchange.getProperty(KEY, ApiKey.class);
        int status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] body = status >= 300 ? msg.getBody(byte[].class) : null;
        msg.getHeaders().clear();
        msg.setBody(null);
        return new Answer(key, status, body);
    }
}
