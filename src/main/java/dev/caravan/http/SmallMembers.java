package dev.caravan.http;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The members of one JSON object in a Jackson tree ({@link CompactJsonNodes}), kept as names and values by turns in
 * one array, in the order they were put, as Jackson's own LinkedHashMap keeps them. The objects of Gemini's and
 * OpenAI's JSON mostly hold one to six members; for them a LinkedHashMap costs a table and an entry object per member,
 * about twice these bytes (bench/alloc.sh). Lookups scan the names; from {@link #INLINE} members on, the members move
 * into a LinkedHashMap, so that an object with thousands of members (a client's tool schema, or a hostile one) costs
 * what it costs Jackson, never a scan per member. The entries an iteration hands out are views of their slot: valid
 * until the map's members change, as the Map contract allows. Not thread-safe, as Jackson's trees are not.
 */
final class SmallMembers extends AbstractMap<String, JsonNode> {

    /** Members kept in the array; one more moves them all into a LinkedHashMap. */
    static final int INLINE = 8;
    private static final Object[] EMPTY = {};

    /** Names at even and values at odd positions, {@code size} pairs of them. */
    private Object[] slots = EMPTY;
    private int size;
    /** Changes to the members, so that an iteration over a changed map fails as LinkedHashMap's does. */
    private int changes;
    /** The members once there are more than {@link #INLINE} (then {@code slots} is no longer used). */
    private LinkedHashMap<String, JsonNode> large;

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public JsonNode get(Object name) {
        if (large != null) {
            return large.get(name);
        }
        int at = indexOf(name);
        return at < 0 ? null : (JsonNode) slots[at + 1];
    }

    @Override
    public boolean containsKey(Object name) {
        return large != null ? large.containsKey(name) : indexOf(name) >= 0;
    }

    @Override
    public JsonNode put(String name, JsonNode value) {
        if (large != null) {
            return large.put(name, value);
        }
        int at = indexOf(name);
        if (at >= 0) {
            JsonNode old = (JsonNode) slots[at + 1];
            slots[at + 1] = value;
            return old;
        }
        if (size == INLINE) {
            large = new LinkedHashMap<>(INLINE * 4);
            for (int i = 0; i < size * 2; i += 2) {
                large.put((String) slots[i], (JsonNode) slots[i + 1]);
            }
            slots = EMPTY;
            size = 0;
            changes++;
            return large.put(name, value);
        }
        if (size * 2 == slots.length) {
            slots = Arrays.copyOf(slots, slots.length == 0 ? 4 : slots.length * 2);
        }
        slots[size * 2] = Objects.requireNonNull(name, "a JSON member has a name");
        slots[size * 2 + 1] = value;
        size++;
        changes++;
        return null;
    }

    @Override
    public JsonNode remove(Object name) {
        if (large != null) {
            return large.remove(name);
        }
        int at = indexOf(name);
        if (at < 0) {
            return null;
        }
        JsonNode old = (JsonNode) slots[at + 1];
        removeAt(at);
        return old;
    }

    @Override
    public void clear() {
        if (large != null) {
            large.clear();
            return;
        }
        Arrays.fill(slots, 0, size * 2, null);
        size = 0;
        changes++;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
        if (large != null) {
            large.forEach(action);
            return;
        }
        int expected = changes;
        for (int i = 0; i < size * 2; i += 2) {
            action.accept((String) slots[i], (JsonNode) slots[i + 1]);
        }
        if (changes != expected) {
            throw new ConcurrentModificationException();
        }
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
        return large != null ? large.entrySet() : new Entries();
    }

    private int indexOf(Object name) {
        Object[] s = slots;
        for (int i = 0; i < size * 2; i += 2) {
            if (s[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void removeAt(int at) {
        int last = size * 2;
        System.arraycopy(slots, at + 2, slots, at, last - at - 2);
        slots[last - 2] = null;
        slots[last - 1] = null;
        size--;
        changes++;
    }

    /** The inline members as entries; a view, as LinkedHashMap's entry set is. */
    private final class Entries extends AbstractSet<Map.Entry<String, JsonNode>> {

        @Override
        public int size() {
            return size;
        }

        @Override
        public Iterator<Map.Entry<String, JsonNode>> iterator() {
            return new Iterator<>() {
                private int next;
                private int current = -1;
                private int expected = changes;

                @Override
                public boolean hasNext() {
                    return next < size * 2;
                }

                @Override
                public Map.Entry<String, JsonNode> next() {
                    if (changes != expected) {
                        throw new ConcurrentModificationException();
                    }
                    if (next >= size * 2) {
                        throw new NoSuchElementException();
                    }
                    current = next;
                    next += 2;
                    return new Member(current);
                }

                @Override
                public void remove() {
                    if (current < 0) {
                        throw new IllegalStateException();
                    }
                    if (changes != expected) {
                        throw new ConcurrentModificationException();
                    }
                    removeAt(current);
                    next = current;
                    current = -1;
                    expected = changes;
                }
            };
        }
    }

    /** One inline member, read and written in its slot. */
    private final class Member implements Map.Entry<String, JsonNode> {
        private final int at;

        Member(int at) {
            this.at = at;
        }

        @Override
        public String getKey() {
            return (String) slots[at];
        }

        @Override
        public JsonNode getValue() {
            return (JsonNode) slots[at + 1];
        }

        @Override
        public JsonNode setValue(JsonNode value) {
            JsonNode old = getValue();
            slots[at + 1] = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && getKey().equals(e.getKey())
                    && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return getKey().hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
