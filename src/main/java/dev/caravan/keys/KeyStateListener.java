package dev.caravan.keys;

/**
 * Told when a key's health changes: its state, a cool-down, or its strike count. Never told about a success of a
 * key that had no strikes, so the hot path stays free of it. Called on the thread that made the change, which may
 * be a Vert.x event loop: an implementation must return at once and never block.
 */
@FunctionalInterface
public interface KeyStateListener {

    KeyStateListener NONE = key -> { };

    void changed(ApiKey key);

    /** Keys joined the pool at runtime (an operator added them); same rules as {@link #changed}. */
    default void added(java.util.List<ApiKey> keys) {
    }

    /** Keys left the pool at runtime (an operator deleted them); same rules as {@link #changed}. */
    default void removed(java.util.List<ApiKey> keys) {
    }
}
