package dev.caravan.keys;

import java.util.Arrays;

/**
 * The keys one request has already used, so that a retry never reuses one. Requests make a handful of attempts,
 * so a small array beats a set. Not thread-safe: it belongs to one request, whose attempts run one at a time.
 */
public final class TriedKeys {

    private static final ApiKey[] NONE = new ApiKey[0];

    /** Allocated at the first attempt: a request served on its first key, or refused before any, needs none. */
    private ApiKey[] keys = NONE;
    private int size;

    public boolean contains(ApiKey key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return true;
            }
        }
        return false;
    }

    public void add(ApiKey key) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, Math.max(4, size * 2));
        }
        keys[size++] = key;
    }

    /** Forgets every key, keeping the array for the next call's attempts. */
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        size = 0;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The {@code i}-th key tried, in order. */
    public ApiKey get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return keys[i];
    }

    /** The key tried last, or null before the first attempt. */
    public ApiKey last() {
        return size == 0 ? null : keys[size - 1];
    }

    public int size() {
        return size;
    }
}
