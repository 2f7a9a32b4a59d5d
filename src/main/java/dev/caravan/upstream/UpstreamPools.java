package dev.caravan.upstream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pools a route may name in {@link Upstream#POOL}: the Gemini pool, used when none is named, and the others by
 * their name. A name that is no pool is a route's bug, answered 500 and named in the log (a client never sets the
 * header: the endpoints drop every Caravan* header a client sends). Immutable; thread-safe.
 */
public final class UpstreamPools {

    private final UpstreamPool fallback;
    private final Map<String, UpstreamPool> byName = new LinkedHashMap<>();

    public UpstreamPools(UpstreamPool gemini, UpstreamPool... others) {
        this.fallback = gemini;
        byName.put(gemini.name(), gemini);
        for (UpstreamPool p : others) {
            byName.put(p.name(), p);
        }
    }

    /** The pool named {@code name}, or the Gemini pool for null or empty. */
    public UpstreamPool named(String name) {
        if (name == null || name.isEmpty()) {
            return fallback;
        }
        UpstreamPool p = byName.get(name);
        if (p == null) {
            throw new IllegalStateException("no key pool named " + name + " (" + Upstream.POOL + ": use "
                    + String.join(" or ", byName.keySet()) + ")");
        }
        return p;
    }
}
