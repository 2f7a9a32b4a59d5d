package dev.caravan.admin;

/** An admin path called with a method it does not serve: 405 (thrown from the routes' method dispatch). */
public final class MethodNotAllowed extends RuntimeException {

    public MethodNotAllowed(String message) {
        super(message, null, false, false);
    }
}
