package dev.caravan.keys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Google Cloud project as the pool knows it: the keys that share one budget per model (Google's limits are per
 * project, per model, per dimension). A quota cool-down of the project applies to every key of it. A key whose project
 * nobody named is alone in a project of its own until an operator or Google's answers say otherwise.
 *
 * <p>Thread-safe: cool-downs are a concurrent map read without locks by picks; a change holds the project's lock.
 */
public final class Project {

    /** Where the pool learned a key's project; a later source of lower rank never overrides an earlier one. */
    public enum Source {
        /** Nobody said: the key is alone in its own project. */
        UNKNOWN(0),
        /** Learned from coinciding quota 429s (README "Quotas", the evidence). */
        LEARNED(1),
        /** Google named the project in an answer's ErrorInfo (consumer: projects/N). */
        GOOGLE(2),
        /** An operator said so: API_KEYS' key@project, or the admin page. */
        OPERATOR(3);

        final int rank;

        Source(int rank) {
            this.rank = rank;
        }
    }

    /** Models a project keeps a cool-down for at once (as {@link ApiKey#MAX_COOLDOWN_MODELS}). */
    static final int MAX_COOLDOWN_MODELS = 64;

    private final String name;
    private final boolean own;
    private final Map<String, ApiKey.Cooldown> cooldowns = new ConcurrentHashMap<>();

    private Project(String name, boolean own) {
        this.name = name;
        this.own = own;
    }

    /** A project named by an operator or by Google. */
    static Project named(String name) {
        return new Project(name, false);
    }

    /** The project of a key whose project is unknown: its own, named after the key's fingerprint. */
    static Project ownOf(String fingerprint) {
        return new Project("key:" + fingerprint, true);
    }

    public String name() {
        return name;
    }

    /** Whether this is the own project of one key whose project nobody named. */
    public boolean own() {
        return own;
    }

    /** The project's pause for {@code model}, or null. */
    ApiKey.Cooldown cooldown(String model) {
        return cooldowns.isEmpty() ? null : cooldowns.get(model == null ? "" : model);
    }

    /** When the project may serve {@code model} again, or 0. */
    long cooldownUntil(String model) {
        if (cooldowns.isEmpty()) {
            return 0L;
        }
        ApiKey.Cooldown c = cooldowns.get(model == null ? "" : model);
        return c == null ? 0L : c.untilMillis();
    }

    /**
     * Cools the project for a model. A pause for another quota that ends later stays (a per-day quota outlasts a
     * per-minute one); the same quota's newer verdict wins, even when shorter.
     */
    synchronized void coolDown(String model, ApiKey.Cooldown c, long now) {
        String m = model == null ? "" : model;
        ApiKey.Cooldown old = cooldowns.get(m);
        if (old != null && old.untilMillis() > c.untilMillis() && old.untilMillis() > now && !sameQuota(old, c)) {
            return;
        }
        if (cooldowns.size() >= MAX_COOLDOWN_MODELS && old == null) {
            cooldowns.values().removeIf(x -> x.untilMillis() <= now);
            if (cooldowns.size() >= MAX_COOLDOWN_MODELS) {
                return;
            }
        }
        cooldowns.put(m, c);
    }

    private static boolean sameQuota(ApiKey.Cooldown a, ApiKey.Cooldown b) {
        String qa = a.evidence() == null ? null : a.evidence().quotaId();
        String qb = b.evidence() == null ? null : b.evidence().quotaId();
        return java.util.Objects.equals(qa, qb);
    }

    /**
     * The own project of one key mirrors that key: its last verdict wins, as the key's own pause does (a later,
     * shorter pause replaces a longer one; throttling, which is no quota, leaves the project no pause).
     */
    void mirror(String model, ApiKey.Cooldown c) {
        String m = model == null ? "" : model;
        if (c == null) {
            cooldowns.remove(m);
        } else if (cooldowns.size() < MAX_COOLDOWN_MODELS || cooldowns.containsKey(m)) {
            cooldowns.put(m, c);
        }
    }

    /** Ends every pause of the project (an operator reset one of its keys: they start afresh together). */
    void clearCooldowns() {
        cooldowns.clear();
    }

    /** A snapshot of the project's cool-downs per model, for operators. */
    public Map<String, ApiKey.Cooldown> cooldowns() {
        return Map.copyOf(cooldowns);
    }

    // --- Quotas (issue 14): the project's budgets per model (pacing) ---

    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    /** The project's budget for a model, or null while it has none. */
    Budget budget(String model) {
        return budgets.isEmpty() ? null : budgets.get(model);
    }

    /** The project's budget for a model, created on first use; null past {@link #MAX_COOLDOWN_MODELS} models. */
    Budget budgetFor(String model, long minuteMillis) {
        Budget b = budgets.get(model);
        if (b != null || budgets.size() >= MAX_COOLDOWN_MODELS) {
            return b;
        }
        return budgets.computeIfAbsent(model, m -> new Budget(minuteMillis));
    }

    /** A snapshot of the project's budgets per model. */
    public Map<String, Budget> budgets() {
        return Map.copyOf(budgets);
    }

    @Override
    public String toString() {
        return name;
    }
}
