package dev.caravan.admin;

import java.util.Collection;

/**
 * An admin path called with a method it does not serve: 405, with the methods it does serve for the {@code Allow}
 * header (thrown by {@link AdminMethods} for a request no admin route took).
 */
public final class MethodNotAllowed extends RuntimeException {

    private final String allowed;

    /** {@code allowed}: the methods the path serves, in the order the answer lists them. */
    public MethodNotAllowed(Collection<String> allowed) {
        this(String.join(", ", allowed));
    }

    private MethodNotAllowed(String allowed) {
        super("Method not allowed here: use " + allowed, null, false, false);
        this.allowed = allowed;
    }

    /** The value of the {@code Allow} header, e.g. {@code GET, POST}. */
    public String allowed() {
        return allowed;
    }
}
