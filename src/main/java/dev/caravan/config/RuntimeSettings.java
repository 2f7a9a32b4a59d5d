package dev.caravan.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The settings in force now. Start-up puts the validated settings here; the admin page replaces them when an
 * operator saves new values, and the beans that must follow at once (attempts per request, strikes, client tokens,
 * model lists, timeouts, retention, the re-check interval) read them through this holder or are told by a
 * listener. A change is one volatile write of a whole, validated {@link Settings}, so a reader never sees half of
 * an edit. Thread-safe.
 */
public final class RuntimeSettings {

    private final List<Consumer<Settings>> listeners = new CopyOnWriteArrayList<>();
    private volatile Settings current;

    public RuntimeSettings(Settings initial) {
        this.current = initial;
    }

    /** The settings in force. */
    public Settings current() {
        return current;
    }

    public int maxRetries() {
        return current.maxRetries();
    }

    public long timeoutMillis() {
        return current.timeoutSeconds() * 1000L;
    }

    /** Tells {@code listener} of every later change (on the thread that makes it). */
    public void onChange(Consumer<Settings> listener) {
        listeners.add(listener);
    }

    /** Puts {@code next} in force and tells the listeners, one change at a time. */
    public synchronized void apply(Settings next) {
        current = next;
        for (Consumer<Settings> l : listeners) {
            l.accept(next);
        }
    }
}
