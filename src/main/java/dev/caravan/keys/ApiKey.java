package dev.caravan.keys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pooled Google API key and its health: a pool-wide state with its evidence, strikes towards MAX_FAILURES,
 * and cool-downs per model. Fields are volatile or concurrent so that picks read them without locks. Changes of
 * health hold the key's lock (they are rare next to picks, and uncontended but for one key's own requests), so that
 * a change is whole when the next one starts: a reset that races the strike reaching MAX_FAILURES never leaves the
 * key disabled, and a verdict that arrives after an operator disabled the key, or after the key left the pool,
 * changes nothing.
 */
public final class ApiKey {

    /**
     * Models a key counts its use for on one day; further ones count under "other". Use is counted under the pool's
     * label for the model (known models only), so this only bounds what an unexpected label set could add.
     */
    public static final int MAX_USAGE_MODELS = 64;
    /**
     * Models a key keeps a cool-down for at once. Past it, ended cool-downs go first, then the one that ends
     * soonest: the key may then be tried once more for that model, and cool again.
     */
    public static final int MAX_COOLDOWN_MODELS = 64;
    static final String OTHER_MODELS = "other";

    private final String secret;
    private final String fingerprint;
    private final String mask;
    private final AtomicInteger strikes = new AtomicInteger();
    private final Map<String, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private volatile KeyState state = KeyState.ACTIVE;
    private volatile Evidence evidence;
    private volatile long lastUsedMillis;
    private volatile boolean manual;
    /** Set once the key left the pool: no pick hands it out and no late verdict changes (or saves) it again. */
    private volatile boolean removed;
    /**
     * When a reset last cleared the key's cool-downs (epoch milliseconds; 0: never): replicas drop a cool-down learned
     * before it and keep one learned after it (README "Scale out").
     */
    private volatile long clearedAtMillis;
    /** Attempts made with the key on Google's day {@link #usageDay} (Pacific), per model ("" when none). */
    private final Map<String, AtomicLong> usage = new ConcurrentHashMap<>();
    private volatile long usageDay;
    // --- Quotas (issue 14): the key's project, and its attempts of the last minute ---
    private volatile Project project;
    private volatile Project.Source projectSource = Project.Source.UNKNOWN;
    private volatile String projectEvidence;
    /** Attempts per second of the last minute, a ring indexed by epoch second % 60 (guarded by itself). */
    private final long[] recentSeconds = new long[60];
    private final int[] recentCounts = new int[60];

    /** A (key, model) pause with its evidence. */
    public record Cooldown(long untilMillis, Verdict.Kind kind, Evidence evidence) {
    }

    ApiKey(String secret, KeyFingerprint fingerprints) {
        this.secret = secret;
        this.fingerprint = fingerprints.of(secret);
        this.mask = fingerprints.mask(secret);
        this.project = Project.ownOf(fingerprint);
    }

    /** The key's project: the one an operator or Google named, one learned, or its own while unknown. */
    public Project project() {
        return project;
    }

    public Project.Source projectSource() {
        return projectSource;
    }

    /** Why the key is in its project (e.g. "API_KEYS", or the 429s that showed it), or null while unknown. */
    public String projectEvidence() {
        return projectEvidence;
    }

    /**
     * Puts the key in a project, unless what put it in its current one ranks higher (an operator's word stands over
     * Google's, Google's over a learned one).
     *
     * @return whether it moved
     */
    synchronized boolean joinProject(Project p, Project.Source source, String evidence) {
        if (removed || source.rank < projectSource.rank || p == project) {
            return false;
        }
        project = p;
        projectSource = source;
        projectEvidence = evidence;
        return true;
    }

    /** Back to a project of its own (an operator cleared the key's project). */
    synchronized void leaveProject() {
        project = Project.ownOf(fingerprint);
        projectSource = Project.Source.UNKNOWN;
        projectEvidence = null;
    }

    /** Per model, the calls this key served lately (kept only while its project is unknown: README "Quotas"). */
    private final Map<String, ProjectLearning.Served> served = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The calls this key served lately for {@code model}, to tell whether it alone could have spent a window; null past
     * the bound (unknown).
     */
    ProjectLearning.Served served(String model) {
        ProjectLearning.Served s = served.get(model);
        if (s == null) {
            if (served.size() >= MAX_COOLDOWN_MODELS) {
                // bounded like the cool-downs: a key that served this many models proves nothing of a new one
                return null;
            }
            s = served.computeIfAbsent(model, m -> new ProjectLearning.Served());
        }
        return s;
    }

    /** Counts an attempt at {@code nowMillis} in the last minute's ring. */
    void countRecent(long nowMillis) {
        long second = nowMillis / 1000;
        int i = (int) (second % 60);
        synchronized (recentCounts) {
            if (recentSeconds[i] != second) {
                recentSeconds[i] = second;
                recentCounts[i] = 0;
            }
            recentCounts[i]++;
        }
    }

    /** Attempts with the key in the minute before {@code nowMillis}. */
    public int attemptsLastMinute(long nowMillis) {
        long second = nowMillis / 1000;
        int n = 0;
        synchronized (recentCounts) {
            for (int i = 0; i < 60; i++) {
                if (second - recentSeconds[i] < 60) {
                    n += recentCounts[i];
                }
            }
        }
        return n;
    }

    /** The key itself: only for the upstream call's header, never for a log, a row or a response. */
    public String secret() {
        return secret;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public String mask() {
        return mask;
    }

    public KeyState state() {
        return state;
    }

    public Evidence evidence() {
        return evidence;
    }

    /** Whether an operator took the key out of rotation (then no scheduled re-check puts it back). */
    public boolean manuallyDisabled() {
        return manual;
    }

    public int strikes() {
        return strikes.get();
    }

    /** Whether an operator deleted the key from the pool; its saved health is not to be written again. */
    public boolean removed() {
        return removed;
    }

    /** Whether a pick may hand the key out (cool-downs per model aside). */
    boolean inRotation() {
        return state == KeyState.ACTIVE && !removed;
    }

    public long lastUsedMillis() {
        return lastUsedMillis;
    }

    /** A snapshot of the per-model cool-downs, for operators. */
    public Map<String, Cooldown> cooldowns() {
        return Map.copyOf(cooldowns);
    }

    /**
     * Whether a model of the key has a quota pause of the key's own at {@code nowMillis} (its project's pauses aside):
     * what the admin page's dashboard and the caravan_keys_cooling gauge count as "cooling". No snapshot is made.
     */
    public boolean pausedAt(long nowMillis) {
        for (Cooldown c : cooldowns.values()) {
            if (c.untilMillis() > nowMillis) {
                return true;
            }
        }
        return false;
    }

    /** The key's own pause for {@code model}, or null. */
    Cooldown cooldown(String model) {
        return cooldowns.isEmpty() ? null : cooldowns.get(model == null ? "" : model);
    }

    /** When the key may serve {@code model} again, or 0 when it is not cooling for it. */
    long cooldownUntil(String model) {
        if (cooldowns.isEmpty()) {
            return 0L;
        }
        // calls that are not per model (listing models) keep their pauses under ""
        Cooldown c = cooldowns.get(model == null ? "" : model);
        return c == null ? 0L : c.untilMillis();
    }

    /** @return whether it was recorded: not while an operator keeps the key out (their evidence stays), nor once removed */
    synchronized boolean coolDown(String model, long untilMillis, Verdict.Kind kind, Evidence ev) {
        if (manual || removed) {
            return false;
        }
        String m = model == null ? "" : model;
        if (cooldowns.size() >= MAX_COOLDOWN_MODELS && !cooldowns.containsKey(m)) {
            makeRoomForCooldown(ev == null ? System.currentTimeMillis() : ev.atMillis());
        }
        cooldowns.put(m, new Cooldown(untilMillis, kind, ev));
        evidence = ev;
        return true;
    }

    /** Drops ended cool-downs, and if the map is still full the one that ends soonest (rare: many models at once). */
    private synchronized void makeRoomForCooldown(long nowMillis) {
        cooldowns.values().removeIf(c -> c.untilMillis() <= nowMillis);
        while (cooldowns.size() >= MAX_COOLDOWN_MODELS) {
            String soonest = null;
            long until = Long.MAX_VALUE;
            for (Map.Entry<String, Cooldown> e : cooldowns.entrySet()) {
                if (e.getValue().untilMillis() < until) {
                    until = e.getValue().untilMillis();
                    soonest = e.getKey();
                }
            }
            if (soonest == null) {
                return;
            }
            cooldowns.remove(soonest);
        }
    }

    /**
     * Google's verdict on the key itself (invalid, suspended, disabled).
     *
     * @return whether it was recorded: an operator's disable wins over it, and a removed key takes none
     */
    synchronized boolean judge(KeyState newState, Evidence ev) {
        if (manual || removed) {
            return false;
        }
        state = newState;
        evidence = ev;
        return true;
    }

    /**
     * One more strike; the one that reaches {@code maxFailures} takes a key in rotation out (a key that Google
     * already declared invalid or suspended keeps that state and its evidence).
     *
     * @return whether it was recorded (not while an operator keeps the key out, nor once removed)
     */
    synchronized boolean strike(int maxFailures, Evidence ev) {
        if (manual || removed) {
            return false;
        }
        if (strikes.incrementAndGet() >= maxFailures && state == KeyState.ACTIVE) {
            state = KeyState.DISABLED;
            evidence = ev;
        }
        return true;
    }

    /** @return false when the key was removed */
    synchronized boolean disableByOperator(Evidence ev) {
        if (removed) {
            return false;
        }
        state = KeyState.DISABLED;
        evidence = ev;
        manual = true;
        return true;
    }

    /** Marks the key as gone from the pool, before the pool stops listing it. */
    synchronized void markRemoved() {
        removed = true;
    }

    /** Puts back what was saved before a restart; cool-downs that ended meanwhile are left out. */
    synchronized void restore(KeyState savedState, Evidence ev, int savedStrikes, boolean savedManual,
                              Map<String, Cooldown> saved, long nowMillis) {
        state = savedState;
        evidence = ev;
        manual = savedManual;
        strikes.set(savedStrikes);
        cooldowns.clear();
        saved.forEach((model, c) -> {
            if (c.untilMillis() > nowMillis && cooldowns.size() < MAX_COOLDOWN_MODELS) {
                cooldowns.put(model, c);
            }
        });
    }

    /**
     * A success: no lock, it is the hot path. Racing a strike it may clear the strike that disabled the key, as if
     * it came just after it; the key stays disabled either way.
     *
     * @return whether there were strikes to clear
     */
    boolean clearStrikes() {
        // a read before the write keeps the hot path from dirtying a shared cache line on every success
        if (strikes.get() != 0 && !removed) {
            strikes.set(0);
            return true;
        }
        return false;
    }

    /** @return false when the key was removed */
    synchronized boolean reset(long nowMillis) {
        if (removed) {
            return false;
        }
        clearedAtMillis = Math.max(clearedAtMillis, nowMillis);
        strikes.set(0);
        cooldowns.clear();
        state = KeyState.ACTIVE;
        evidence = null;
        manual = false;
        return true;
    }

    /**
     * A re-check found the key working: back into rotation like {@link #reset}, unless an operator disabled it
     * meanwhile (only an operator puts back what an operator took out) or it was removed.
     *
     * @return whether it went back
     */
    synchronized boolean recover(long nowMillis) {
        return !manual && reset(nowMillis);
    }

    /** When a reset last cleared the key's cool-downs (epoch milliseconds), or 0. */
    public long clearedAtMillis() {
        return clearedAtMillis;
    }

    /**
     * Takes what another replica knows of the key (README "Scale out"): its reset, if later than this one's, drops the
     * cool-downs learned before it; its health (state, evidence, an operator's disable) and its strikes when they are
     * newer than this replica's, as the caller decided; and each of its cool-downs that ends later than this one's
     * for the model (the latest deadline wins, so two replicas never undo each other's pause).
     *
     * @param health    the state, evidence and operator's disable to take, or null to keep this replica's
     * @param strikeCount the strikes to take, or -1 to keep this replica's
     * @return the cool-downs taken (the pool pauses their projects too), or null when the key left the pool
     */
    synchronized Map<String, Cooldown> adopt(long clearedAt, Health health, int strikeCount,
                                             Map<String, Cooldown> theirs, long nowMillis) {
        if (removed) {
            return null;
        }
        if (clearedAt > clearedAtMillis) {
            clearedAtMillis = clearedAt;
            cooldowns.values().removeIf(c -> learnedAt(c) <= clearedAt);
        }
        if (health != null) {
            state = health.state();
            evidence = health.evidence();
            manual = health.manual();
        }
        if (strikeCount >= 0) {
            strikes.set(strikeCount);
        }
        Map<String, Cooldown> taken = new java.util.HashMap<>();
        theirs.forEach((model, c) -> {
            Cooldown mine = cooldowns.get(model);
            if (c.untilMillis() > nowMillis && learnedAt(c) > clearedAtMillis
                    && (mine == null || mine.untilMillis() < c.untilMillis())
                    && (mine != null || cooldowns.size() < MAX_COOLDOWN_MODELS)) {
                cooldowns.put(model, c);
                taken.put(model, c);
            }
        });
        return taken;
    }

    /** A key's pool-wide health as a replica tells it: state, evidence, and whether an operator disabled it. */
    public record Health(KeyState state, Evidence evidence, boolean manual) {
    }

    /** When a cool-down was learned: its evidence's time (0 without evidence). */
    static long learnedAt(Cooldown c) {
        return c.evidence() == null ? 0L : c.evidence().atMillis();
    }

    void touch(long nowMillis) {
        lastUsedMillis = nowMillis;
    }

    /** Counts one attempt with the key for {@code model} on Google's day {@code day}; a new day starts from zero. */
    void countUse(String model, long day) {
        if (day != usageDay) {
            synchronized (usage) {
                if (day != usageDay) {
                    usage.clear();
                    usageDay = day;
                }
            }
        }
        String m = model == null ? "" : model;
        AtomicLong n = usage.get(m);
        if (n == null) {
            n = usage.computeIfAbsent(usage.size() < MAX_USAGE_MODELS ? m : OTHER_MODELS, x -> new AtomicLong());
        }
        n.incrementAndGet();
    }

    /**
     * Moves one attempt counted under {@code from} on {@code day} to {@code to}: the attempt that taught the gateway a
     * model was counted before the model had a name of its own. Nothing happens when there is no such attempt.
     */
    void recountUse(String from, String to, long day) {
        if (day != usageDay || from.equals(to)) {
            return;
        }
        AtomicLong n = usage.get(from);
        if (n == null || n.getAndUpdate(c -> c > 0 ? c - 1 : c) <= 0) {
            return;
        }
        // an entry left at zero goes, so the admin page shows no "other": 0
        usage.computeIfPresent(from, (m, c) -> c.get() == 0 ? null : c);
        countUse(to, day);
    }

    /**
     * Attempts made with the key on Google's day {@code day} (the Pacific day its daily quotas count), per model
     * ("" for calls without a model); empty when the key was not used that day. Kept in memory only.
     */
    public Map<String, Long> usageOn(long day) {
        if (day != usageDay || usage.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        usage.forEach((m, n) -> out.put(m, n.get()));
        return out;
    }

    /** Clears an operator's disable; @return whether the key was disabled by an operator (and is still in the pool) */
    synchronized boolean enableByOperator(Evidence ev) {
        if (!manual || removed) {
            return false;
        }
        strikes.set(0);
        state = KeyState.ACTIVE;
        evidence = ev;
        manual = false;
        return true;
    }

    void forgetExpired(long nowMillis) {
        cooldowns.values().removeIf(c -> c.untilMillis() <= nowMillis);
    }
}
