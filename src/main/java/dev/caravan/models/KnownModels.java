package dev.caravan.models;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model names the gateway has a reason to keep: those an operator configured (the model lists, TEST_MODEL,
 * CREATE_IMAGE_MODEL), those Google listed, and those Google answered for as for a real model (a 2xx, or a quota
 * cool-down for that model). Metric labels and each key's use per model name a model through {@link #label}: a
 * known model is itself, any other is {@value #OTHER}. So a client that invents names, however many, adds one
 * label; and since the names learned from Google's answers are capped at {@value #MAX_LEARNED} (Google lists about
 * fifty models), not even an upstream that answered every name could grow them without bound.
 *
 * <p>Thread-safe: {@link #label} is a map read (it runs on every key pick); learning is rare and may race harmlessly
 * past the cap by the number of racing threads.
 */
public final class KnownModels {

    /** The label of every model the gateway does not know. */
    public static final String OTHER = "other";
    /** Names learned from Google's lists and answers, at most; the operator's own lists come on top. */
    public static final int MAX_LEARNED = 100;

    /** Each known name mapped to one instance of it, so every map that keeps it shares that one string. */
    private final Map<String, String> learned = new ConcurrentHashMap<>();
    private volatile Map<String, String> configured = Map.of();

    /** Sets the operator's models (replacing the previous ones); names that are not model ids are left out. */
    public void configure(Collection<String> names) {
        Map<String, String> m = new HashMap<>();
        for (String name : names) {
            String id = ModelName.id(name);
            if (id != null) {
                m.put(id, id);
            }
        }
        configured = Map.copyOf(m);
    }

    /**
     * Remembers a model Google listed or answered for; ignored when it is no model id or the cap is reached.
     *
     * @return whether the model was new: the call that taught it was counted as {@value #OTHER}
     */
    public boolean learn(String model) {
        String id = ModelName.id(model);
        if (id == null || learned.containsKey(id) || configured.containsKey(id) || learned.size() >= MAX_LEARNED) {
            return false;
        }
        return learned.putIfAbsent(id, id) == null;
    }

    /** Remembers every model of Google's list. */
    public void learnAll(Collection<String> models) {
        for (String m : models) {
            learn(m);
        }
    }

    /** The name to count {@code model} under: itself when known, {@value #OTHER} otherwise; null stays null. */
    public String label(String model) {
        if (model == null) {
            return null;
        }
        String known = learned.get(model);
        if (known == null) {
            known = configured.get(model);
        }
        return known != null ? known : OTHER;
    }

    /** How many names were learned from Google (not counting the operator's). */
    public int learnedCount() {
        return learned.size();
    }
}
