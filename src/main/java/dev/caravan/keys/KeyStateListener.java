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
}
