package dev.caravan.keys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The key pool: picks keys round-robin among the eligible ones and keeps their health (DESIGN §3).
 *
 * <p>A pick advances one shared cursor per probe, so over each revolution of the cursor every eligible key is
 * returned exactly once whatever the number of threads; a key that is dead, disabled, cooling for the model or
 * already tried by the request is skipped. A pick is O(1) while most keys are eligible. When a full revolution
 * finds none, the pool remembers until when nothing can be eligible for that model, so that an exhausted pool
 * answers in O(1) too instead of rescanning 10,000 keys on every request.
 *
 * <p>All methods are safe to call concurrently. The key list is copy-on-write: adding or removing keys (rare)
 * copies it, picks (hot) read it without locks.
 */
public final class KeyRoundRobin implements Processor {

    /**
     * The header that carries the chosen key from this step to the call to Google, inside the upstream route; the
     * route's last step removes it, so no other route ever sees a key.
     */
    public static final String KEY_HEADER = "x-goog-api-key";

    private final LongSupplier clock;
    private final KeyFingerprint fingerprints;
    private final AtomicLong cursor = new AtomicLong();
    /** Bumped whenever a key may have become eligible again, which invalidates the exhaustion hints. */
    private final AtomicLong version = new AtomicLong();
    private final Map<String, Exhausted> exhausted = new ConcurrentHashMap<>();
    /** Hints kept at most: they are keyed by model, and a hint is only a shortcut, so past this they start over. */
    static final int MAX_EXHAUSTION_HINTS = 1024;
    /** The name a key's use is counted under for a model (the identity unless {@link #countUseAs} says otherwise). */
    private volatile UnaryOperator<String> useLabel = UnaryOperator.identity();
    private volatile ApiKey[] keys;
    private volatile int maxFailures;
    private volatile KeyStateListener listener = KeyStateListener.NONE;
    private volatile Runnable comeback;
    private final Map<String, Project> projects = new ConcurrentHashMap<>();
    private final ProjectLearning learning = new ProjectLearning(this);
    private final EgressThrottle egress = new EgressThrottle();
    private final PacificDay day = new PacificDay();
    private final QuotaBudgets budgets = new QuotaBudgets(day);

    /** Until when no key can serve a model, as of a given pool version. */
    private record Exhausted(long version, long untilMillis) {
    }

    /**
     * @param secrets      the pool keys, in order (duplicates dropped)
     * @param maxFailures  strikes that disable a key
     * @param clock        epoch milliseconds (tests pass a controllable one)
     * @param fingerprints names the keys in logs, rows and answers (the installation's, so saved state matches)
     */
    public KeyRoundRobin(Collection<String> secrets, int maxFailures, LongSupplier clock, KeyFingerprint fingerprints) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.fingerprints = fingerprints;
        Map<String, ApiKey> unique = new LinkedHashMap<>();
        for (String s : secrets) {
            KeyEntry e = KeyEntry.parse(s);
            ApiKey k = unique.computeIfAbsent(e.secret(), x -> new ApiKey(x, fingerprints));
            if (e.project() != null) {
                k.joinProject(project(e.project()), Project.Source.OPERATOR, "API_KEYS");
            }
        }
        this.keys = unique.values().toArray(new ApiKey[0]);
    }

    // --- Quotas (issue 14): projects ---

    /** The project of this name, created on first use (names are bounded: an operator's, Google's or a learned one). */
    public Project project(String name) {
        return projects.computeIfAbsent(name, Project::named);
    }

    /**
     * Puts a key in the project {@code name} (null or empty: back to a project of its own, only an operator may), if
     * {@code source} ranks at least as high as what put it where it is.
     *
     * @return whether it moved
     */
    public boolean assignProject(ApiKey key, String name, Project.Source source, String evidence) {
        boolean moved;
        if (name == null || name.isEmpty()) {
            if (source != Project.Source.OPERATOR) {
                return false;
            }
            key.leaveProject();
            moved = true;
        } else {
            moved = key.joinProject(project(name), source, evidence);
        }
        if (moved) {
            bump();
            listener.changed(key);
        }
        return moved;
    }

    /** Puts every key that a learned grouping moved back into a project of its own (an operator's or Google's stay). */
    public void forgetLearnedProjects() {
        learning.forgetRecentJoins();
        for (ApiKey k : keys) {
            if (k.projectSource() == Project.Source.LEARNED) {
                k.leaveProject();
                listener.changed(k);
            }
        }
        bump();
    }

    /**
     * Puts a key that learning grouped back into a project of its own, when the evidence turned out to be no clear
     * coincidence after all (an operator's or Google's grouping is never touched).
     */
    void unlearnProject(ApiKey k) {
        if (k.projectSource() == Project.Source.LEARNED) {
            k.leaveProject();
            listener.changed(k);
            bump();
        }
    }

    /** The keys of each project with more than one key, by project name (a snapshot, for operators). */
    public Map<String, List<ApiKey>> sharedProjects() {
        Map<String, List<ApiKey>> out = new java.util.TreeMap<>();
        for (ApiKey k : keys) {
            if (!k.project().own()) {
                out.computeIfAbsent(k.project().name(), n -> new ArrayList<>()).add(k);
            }
        }
        out.values().removeIf(l -> l.size() < 2);
        return out;
    }

    /** The pool's pause while Google throttles the gateway's address (README "Quotas"). */
    public EgressThrottle egress() {
        return egress;
    }

    /** How the pool learns projects from Google's answers (README "Quotas"). */
    public ProjectLearning learning() {
        return learning;
    }

    // --- Quotas (issue 14): budgets per (project, model) and pacing ---

    /** The budgets that pace picks per (project, model) (README "Quotas", pacing). */
    public QuotaBudgets budgets() {
        return budgets;
    }

    /** The limits changed (QUOTA_LIMITS saved): requests held back by a budget look again. */
    public void budgetsChanged() {
        bump();
    }

    /** Per model with a known budget, the headroom left across the pool's projects in rotation. */
    public List<QuotaBudgets.Headroom> headroom() {
        return budgets.headroom(List.of(keys), clock.getAsLong());
    }

    /** Bumps the pool's version: a key may have become eligible again, so hints end and waiting requests look again. */
    private void bump() {
        version.incrementAndGet();
        Runnable r = comeback;
        if (r != null) {
            r.run();
        }
    }

    /**
     * Tells {@code r} whenever a key may have come back before its known time (a reset, a recovery, an operator's
     * enable, a new key, a shorter pause); it must return at once and never block.
     */
    public void onComeback(Runnable r) {
        this.comeback = r;
    }

    /**
     * Tells the pool how many requests wait for a key per model ({@code model} "" for calls without one): while some
     * do, a new request's pick leaves the keys to them and goes behind them (README "Quotas"). Read on every new
     * request's pick: it must be cheap and never block.
     */
    public void waitingFor(java.util.function.ToIntFunction<String> waiting) {
        this.waitingFor = waiting == null ? m -> 0 : waiting;
    }

    private volatile java.util.function.ToIntFunction<String> waitingFor = m -> 0;

    /**
     * When the first key that is out only for a while (a cool-down, a budget, a pause) can serve {@code model} again,
     * in epoch milliseconds: now when one is eligible, Long.MAX_VALUE when no key is usable at all.
     */
    public long comebackAt(String model) {
        return comebackAt(model, clock.getAsLong());
    }

    /**
     * The same as of {@code now}, a time the caller read from {@link #now()}: a caller that compares the answer with
     * its own {@code now} must not get "eligible" as a later millisecond than its own, or an eligible key looks like
     * one that comes back, and a request that tried every key waits for nothing.
     */
    public long comebackAt(String model, long now) {
        return earliestReturn(keys, model, now, 0);
    }

    /**
     * How many requests for {@code model} the usable keys could serve by {@code untilMillis}: their own pause and their
     * project's over, then their project's budget's room from the end of the project's pause until then. A project
     * without a known limit for the model may serve them all ({@link Long#MAX_VALUE}). Keys whose projects are unknown
     * but shown to be shared ({@link ProjectLearning#sharesUnknown}) count as one project together: each one's own
     * budget would count its project's whole minute once per key. A request that finds this many already waiting would
     * wait for nothing. O(keys); asked only when a request is about to wait.
     */
    public long returningBy(String model, long untilMillis) {
        if (egress.pausedUntil() > untilMillis) {
            return 0;
        }
        long now = clock.getAsLong();
        long n = 0;
        // keys shown to share projects nobody named: together they count as one project (the most room of theirs), not
        // as one project each (four keys of one project would promise its minute four times)
        long shared = 0;
        java.util.Set<Project> counted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ApiKey k : keys) {
            if (k.state() == KeyState.ACTIVE
                    && Math.max(k.cooldownUntil(model), k.project().cooldownUntil(model)) <= untilMillis
                    && counted.add(k.project())) {
                // keys of one project share its budget: the project counts once, and only from the end of its pause
                // (Google refused it: the window it refused is full, whatever the budget counted)
                long from = Math.max(now, k.project().cooldownUntil(model));
                long room = budgets.takeableBy(k.project(), model, from, untilMillis);
                if (learning.sharesUnknown(k)) {
                    shared = Math.max(shared, room);
                    continue;
                }
                if (room == Long.MAX_VALUE) {
                    return Long.MAX_VALUE;
                }
                n += room;
            }
        }
        return shared == Long.MAX_VALUE ? Long.MAX_VALUE : n + shared;
    }

    /** The pool's clock, epoch milliseconds. */
    public long now() {
        return clock.getAsLong();
    }

    /** A pool whose fingerprints hold for this process only ({@link KeyFingerprint#ephemeral}): tests, benchmarks. */
    public KeyRoundRobin(Collection<String> secrets, int maxFailures, LongSupplier clock) {
        this(secrets, maxFailures, clock, KeyFingerprint.ephemeral());
    }

    public KeyRoundRobin(Collection<String> secrets, int maxFailures) {
        this(secrets, maxFailures, System::currentTimeMillis);
    }

    /**
     * Picks the next eligible key for {@code model} that the request has not tried yet.
     *
     * @param model the model asked for, or null for calls that are not per model (listing models)
     * @param tried keys this request already used; may be null
     * @return the key, or null when none is eligible (then {@link #retryAfterMillis} tells why)
     */
    public ApiKey pick(String model, TriedKeys tried) {
        return pick(model, tried, 0);
    }

    /**
     * Like {@link #pick(String, TriedKeys)} for a request of about {@code tokens} input tokens: a key whose project's
     * budget for the model has no room for it is passed over like a cooling one (README "Quotas", pacing).
     */
    public ApiKey pick(String model, TriedKeys tried, long tokens) {
        ApiKey[] ks = keys;
        int n = ks.length;
        if (n == 0) {
            return null;
        }
        long now = clock.getAsLong();
        if (now < egress.pausedUntil()) {
            // Google throttles the gateway itself: no key would fare better until the pause ends
            return null;
        }
        String hintKey = model == null ? "" : model;
        Exhausted hint = exhausted.get(hintKey);
        if (hint != null) {
            if (hint.version == version.get() && now < hint.untilMillis) {
                return null;
            }
            exhausted.remove(hintKey, hint);
        }
        long v = version.get();
        // a retry prefers a key of a project this request has not tried: a project's keys share one budget
        boolean retry = tried != null && !tried.isEmpty();
        ApiKey sameProject = null;
        for (int probe = 0; probe < n; probe++) {
            ApiKey k = ks[(int) (cursor.getAndIncrement() % n)];
            if (eligible(k, model, now, tried)) {
                if (retry && projectTried(k, tried)) {
                    if (sameProject == null) {
                        sameProject = k;
                    }
                    continue;
                }
                if (!budgets.take(k.project(), model, now, tokens)) {
                    continue;
                }
                use(k, model, now);
                return k;
            }
        }
        if (sameProject != null && eligible(sameProject, model, now, tried)
                && budgets.take(sameProject.project(), model, now, tokens)) {
            use(sameProject, model, now);
            return sameProject;
        }
        // other threads share the cursor, so n probes need not have seen every key: look at each once before
        // answering "none" (this path already costs O(n) below, and is rare while keys are eligible)
        int start = (int) (cursor.get() % n);
        for (int i = 0; i < n; i++) {
            ApiKey k = ks[(start + i) % n];
            if (eligible(k, model, now, tried) && budgets.take(k.project(), model, now, tokens)) {
                use(k, model, now);
                return k;
            }
        }
        if (tried == null || tried.isEmpty()) {
            if (exhausted.size() >= MAX_EXHAUSTION_HINTS) {
                exhausted.clear();
            }
            // the hint holds for the smallest request: a larger one finds out on its own pick
            exhausted.put(hintKey, new Exhausted(v, earliestReturn(ks, model, now, 0)));
        }
        return null;
    }

    private void use(ApiKey k, String model, long now) {
        k.touch(now);
        k.countRecent(now);
        k.countUse(model == null ? null : useLabel.apply(model), day.of(now));
    }

    /**
     * The attempt {@code key} just made for {@code model} taught the gateway that model: it was counted under
     * {@code countedAs} (the name for unknown models) and now counts under the model's own label.
     */
    public void recountUse(ApiKey key, String model, String countedAs) {
        if (key != null && model != null) {
            key.recountUse(countedAs, useLabel.apply(model), day.of(clock.getAsLong()));
        }
    }

    /**
     * Counts each key's use under {@code label.apply(model)} rather than the model itself, e.g. a bounded set of
     * known models with "other" for the rest, so that names a client invents do not pile up in every key.
     */
    public void countUseAs(UnaryOperator<String> label) {
        this.useLabel = label == null ? UnaryOperator.identity() : label;
    }

    /** Google's current day (Pacific), as {@link ApiKey#usageOn} takes it. */
    public long today() {
        return day.of(clock.getAsLong());
    }

    private static boolean eligible(ApiKey k, String model, long now, TriedKeys tried) {
        return k.inRotation() && k.cooldownUntil(model) <= now && k.project().cooldownUntil(model) <= now
                && (tried == null || !tried.contains(k));
    }

    /** Whether a key of the same project as {@code k} was tried by the request already. */
    private static boolean projectTried(ApiKey k, TriedKeys tried) {
        Project p = k.project();
        for (int i = 0; i < tried.size(); i++) {
            if (tried.get(i).project() == p) {
                return true;
            }
        }
        return false;
    }

    /**
     * When no key could be picked: milliseconds until the first cooling key for {@code model} returns, or -1 when
     * no key is usable at all (every key invalid, suspended or disabled, or the pool is empty).
     */
    public long retryAfterMillis(String model) {
        return retryAfterMillis(model, 0L);
    }

    /** Like {@link #retryAfterMillis(String)} for a request of about {@code tokens} input tokens. */
    public long retryAfterMillis(String model, long tokens) {
        long now = clock.getAsLong();
        long until = earliestReturn(keys, model, now, tokens);
        return until == Long.MAX_VALUE ? -1 : Math.max(0, until - now);
    }

    private long earliestReturn(ApiKey[] ks, String model, long now, long tokens) {
        long best = earliestKey(ks, model, now, tokens);
        return best == Long.MAX_VALUE ? best : Math.max(best, egress.pausedUntil());
    }

    private long earliestKey(ApiKey[] ks, String model, long now, long tokens) {
        long best = Long.MAX_VALUE;
        for (ApiKey k : ks) {
            if (k.state() == KeyState.ACTIVE) {
                long back = Math.max(now, Math.max(k.cooldownUntil(model), k.project().cooldownUntil(model)));
                // a project's budget frees when its minute moves on or Google's day ends
                best = Math.min(best, Math.max(back, budgets.freeAt(k.project(), model, back, tokens)));
            }
        }
        return best;
    }

    /**
     * Applies what an attempt meant for its key (DESIGN §3). A verdict that arrives after an operator disabled the
     * key, or after the key was removed, changes nothing: the request was sent before, and the operator's word is
     * the later one.
     */
    public void record(ApiKey key, String model, Verdict verdict) {
        record(key, model, verdict, 0);
    }

    /**
     * Like {@link #record(ApiKey, String, Verdict)} for an attempt whose key was picked at {@code sentAt} (epoch ms):
     * with the verdict's time it bounds when Google answered, so when a quota's window resets (README "Quotas").
     */
    public void record(ApiKey key, String model, Verdict verdict, long sentAt) {
        String consumer = verdict.signal().consumer();
        if (consumer != null && key.project().name() != consumer && !consumer.equals(key.project().name())) {
            // Google named the key's project: the strongest evidence short of an operator's word
            assignProject(key, consumer, Project.Source.GOOGLE, "Google named " + consumer + " in a "
                    + (verdict.evidence() == null ? "" : verdict.evidence().status() + " ") + "answer");
        }
        if (EgressThrottle.unexplained(verdict)) {
            long now = clock.getAsLong();
            List<ApiKey> back = egress.refused(key, now);
            for (ApiKey k : back) {
                // a 403 in the burst was the gateway's address, not the key: it goes back (an operator's disable stays)
                if (k.state() != KeyState.ACTIVE && k.evidence() != null && k.evidence().status() == 403) {
                    recover(k);
                }
            }
            if (now < egress.pausedUntil() && verdict.kind() != Verdict.Kind.THROTTLED) {
                // during a pause a 403 retires no key
                return;
            }
        }
        switch (verdict.kind()) {
            case SUCCESS -> {
                long now = clock.getAsLong();
                // a served call counts in its key's window, and shows its project had room (README "Quotas", the evidence)
                learning.served(key, model, sentAt, now);
                // the usual case: a clean key tells nobody
                if (key.clearStrikes()) {
                    listener.changed(key);
                }
            }
            case QUOTA_COOLDOWN, MODEL_UNAVAILABLE, THROTTLED -> {
                if (olderNews(key, model, verdict, sentAt)) {
                    // the answer to a call sent before the key's current pause was read cannot shorten that pause:
                    // it is older news (answers of a loaded gateway are read late), and Google's window it names is over
                    budgets.align(key.project(), model, verdict.signal(), sentAt,
                            verdict.evidence() == null ? clock.getAsLong() : verdict.evidence().atMillis());
                    return;
                }
                if (key.project().own() && !key.manuallyDisabled() && !key.removed()) {
                    key.project().mirror(model, verdict.kind() == Verdict.Kind.THROTTLED ? null
                            : new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(), verdict.evidence()));
                }
                if (verdict.kind() != Verdict.Kind.THROTTLED && !key.manuallyDisabled() && !key.removed()) {
                    // a quota is the project's: every key of it pauses (a 429 without details names no quota)
                    key.project().coolDown(model, new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(),
                            verdict.evidence()), clock.getAsLong());
                    learning.quota429(key, model, verdict, sentAt, clock.getAsLong());
                    // Google's quotaValue is the project's limit: its budget paces at it from now on
                    boolean fresh = model != null && key.project().budget(model) == null;
                    boolean changed = budgets.learn(key.project(), model, verdict.signal());
                    if (fresh) {
                        startDay(key.project(), model);
                    }
                    if (changed) {
                        // requests held back may go, or waiting requests' room is gone: the lanes look again now
                        bump();
                    }
                    // Google's retryDelay tells when its minute window resets: the budget counts its windows
                    if (budgets.align(key.project(), model, verdict.signal(), sentAt,
                            verdict.evidence() == null ? clock.getAsLong() : verdict.evidence().atMillis())) {
                        // the budget may free sooner than an exhaustion hint remembers
                        bump();
                    }
                }
                long before = key.cooldownUntil(model);
                if (key.coolDown(model, verdict.untilMillis(), verdict.kind(), verdict.evidence())) {
                    if (verdict.untilMillis() < before) {
                        // the last verdict wins, and a shorter pause may end an exhaustion the hints remember
                        bump();
                    }
                    listener.changed(key);
                }
            }
            case KEY_INVALID -> changeState(key, KeyState.INVALID, verdict.evidence());
            case KEY_SUSPENDED -> changeState(key, KeyState.SUSPENDED, verdict.evidence());
            case KEY_DISABLED -> changeState(key, KeyState.DISABLED, verdict.evidence());
            case UPSTREAM_FAILURE, STREAM_BROKEN -> {
                // the strike and the disable it may bring are one step: a reset cannot fall between them
                if (key.strike(maxFailures, verdict.evidence())) {
                    listener.changed(key);
                }
            }
            case CLIENT_ERROR, CLIENT_GONE, BREAKER_OPEN, NOT_SENT, CUT_AT_SHUTDOWN -> {
                // the key did nothing wrong
            }
        }
    }

    /**
     * Whether a pause verdict is older news than the pause the key (or its project) has for the model now: its call was
     * sent before that pause's evidence was read, and it would end sooner. Then it changes no pause: the later reading
     * of an earlier answer must not put a key back that Google refused since. Unknown send times ({@code sentAt} 0)
     * keep the last verdict winning.
     */
    private static boolean olderNews(ApiKey key, String model, Verdict verdict, long sentAt) {
        if (sentAt <= 0) {
            return false;
        }
        ApiKey.Cooldown own = key.cooldown(model);
        ApiKey.Cooldown shared = key.project().cooldown(model);
        return isNewerThan(own, verdict, sentAt) || isNewerThan(shared, verdict, sentAt);
    }

    private static boolean isNewerThan(ApiKey.Cooldown current, Verdict verdict, long sentAt) {
        return current != null && current.evidence() != null && current.evidence().atMillis() >= sentAt
                && current.untilMillis() > verdict.untilMillis();
    }

    /**
     * A budget Google's 429 just made starts its day from the project's keys' attempts today for the model, less the
     * refused one that taught it: else it would allow the day's whole limit again (O(keys), once per project and model).
     */
    private void startDay(Project p, String model) {
        Budget b = p.budget(model);
        if (b == null) {
            return;
        }
        String label = useLabel.apply(model);
        if (!model.equals(label)) {
            // counted with other models under one label: it says nothing of this one's day
            return;
        }
        long today = day.of(clock.getAsLong());
        long n = 0;
        for (ApiKey k : keys) {
            if (k.project() == p) {
                n += k.usageOn(today).getOrDefault(label, 0L);
            }
        }
        b.dayAlready(today, n - 1);
    }

    private void changeState(ApiKey key, KeyState state, Evidence evidence) {
        if (key.judge(state, evidence)) {
            listener.changed(key);
        }
    }

    /**
     * Sets who hears about changes of key health (one listener; the storage layer). Changes made by
     * {@link #restore} are not told: they come from the listener's own records.
     */
    public void listen(KeyStateListener l) {
        this.listener = l == null ? KeyStateListener.NONE : l;
    }

    /**
     * Puts back a key's health as saved before a restart: state, evidence, strikes, whether an operator disabled
     * it, and the cool-downs that have not ended yet.
     */
    public void restore(ApiKey key, KeyState state, Evidence evidence, int strikes, boolean manual,
                        Map<String, ApiKey.Cooldown> cooldowns) {
        key.restore(state, evidence, strikes, manual, cooldowns, clock.getAsLong());
        // a quota pause was its project's: the project pauses again with it
        key.cooldowns().forEach((model, c) -> {
            if (c.kind() != Verdict.Kind.THROTTLED) {
                key.project().coolDown(model.isEmpty() ? null : model, c, clock.getAsLong());
            }
        });
        bump();
    }

    /**
     * Applies what another replica learned of a key (README "Scale out", {@link ApiKey#adopt}): a later reset there
     * ends this replica's older pauses of the key and its project, and the cool-downs taken pause the key's project as
     * a verdict would. Not told to the listener: the caller saves what it needs to.
     *
     * @param health  state, evidence and an operator's disable to take, or null to keep this replica's
     * @param strikes the strikes to take, or -1 to keep this replica's
     */
    public void adopt(ApiKey key, long clearedAt, ApiKey.Health health, int strikes, Map<String, ApiKey.Cooldown> cooldowns) {
        long now = clock.getAsLong();
        boolean reset = clearedAt > key.clearedAtMillis();
        Map<String, ApiKey.Cooldown> taken = key.adopt(clearedAt, health, strikes, cooldowns, now);
        if (taken == null) {
            return;
        }
        if (reset) {
            key.project().clearCooldowns();
        }
        taken.forEach((model, c) -> {
            if (c.kind() != Verdict.Kind.THROTTLED) {
                key.project().coolDown(model.isEmpty() ? null : model, c, now);
            }
        });
        // a reset or an operator's enable there may bring the key back here: hints end, waiting requests look again
        bump();
    }

    /**
     * Enriches the exchange with the next key for the request ({@link #KEY_HEADER}), or tells the request that none
     * is left, which ends the upstream route's loop.
     */
    @Override
    public void process(Exchange exchange) {
        KeyRequest request = exchange.getProperty(KeyRequest.PROPERTY, KeyRequest.class);
        KeyRoundRobin named = request.keyPool();
        // the route's one key step serves every pool: a request for another pool draws from that one
        (named != null ? named : this).pickFor(exchange, request);
    }

    private void pickFor(Exchange exchange, KeyRequest request) {
        String pin = request.pinnedKey();
        long tokens = request.inputTokens();
        // requests already waiting for a key of this model come first: a new one does not take the key that came back
        // for them (it goes behind them, or is refused at once where none is left for it)
        boolean behind = pin == null && request.tried().isEmpty()
                && waitingFor.applyAsInt(request.model() == null ? "" : request.model()) > 0;
        ApiKey key = behind ? null : pin == null ? pick(request.model(), request.tried(), tokens)
                : pickPinned(pin, request.model(), request.tried(), tokens);
        request.useKey(key);
        if (key != null) {
            request.tokensTaken(clock.getAsLong(), tokens);
            exchange.getMessage().setHeader(KEY_HEADER, key.secret());
        } else {
            exchange.getMessage().removeHeader(KEY_HEADER);
            if (request.tried().isEmpty()) {
                request.noKeyLeft(pin == null ? retryAfterMillis(request.model(), tokens)
                        : retryAfterMillis(pin, request.model()));
            }
        }
    }

    /**
     * The one key a request is pinned to (its files live in that key's project), when it is in rotation, not cooling
     * for the model and not tried by the request yet; null otherwise. No other key could serve the request, and a
     * retry never reuses a key, so a pinned request makes one attempt: a failure strikes its key once, as any
     * request's failure strikes the key it used.
     */
    public ApiKey pickPinned(String fingerprint, String model, TriedKeys tried) {
        return pickPinned(fingerprint, model, tried, 0);
    }

    /** Like {@link #pickPinned(String, String, TriedKeys)}, taking the request from its project's budget. */
    public ApiKey pickPinned(String fingerprint, String model, TriedKeys tried, long tokens) {
        ApiKey k = byFingerprint(fingerprint);
        long now = clock.getAsLong();
        if (k == null || !eligible(k, model, now, tried) || !budgets.take(k.project(), model, now, tokens)) {
            return null;
        }
        use(k, model, now);
        return k;
    }

    /** Like {@link #retryAfterMillis(String)} for the one key of this fingerprint: -1 when it is not usable. */
    public long retryAfterMillis(String fingerprint, String model) {
        ApiKey k = byFingerprint(fingerprint);
        if (k == null || k.state() != KeyState.ACTIVE) {
            return -1;
        }
        long now = clock.getAsLong();
        long back = Math.max(now, k.cooldownUntil(model));
        return Math.max(0, Math.max(back, budgets.freeAt(k.project(), model, back, 0)) - now);
    }

    /** Puts a key back into rotation: clears state, strikes and cool-downs (a removed key stays removed). */
    public void reset(ApiKey key) {
        if (key.reset(clock.getAsLong())) {
            key.project().clearCooldowns();
            bump();
            listener.changed(key);
        }
    }

    /**
     * Puts back a key that Google's answers took out of rotation, now that a re-check found it working, unless an
     * operator disabled it meanwhile (only an operator puts back what an operator took out).
     *
     * @return whether the key went back into rotation
     */
    public boolean recover(ApiKey key) {
        if (!key.recover(clock.getAsLong())) {
            return false;
        }
        bump();
        listener.changed(key);
        return true;
    }

    /** Takes a key out of rotation by an operator's choice; only an operator (or {@link #reset}) puts it back. */
    public void disable(ApiKey key, Evidence evidence) {
        if (key.disableByOperator(evidence)) {
            listener.changed(key);
        }
    }

    /**
     * Puts a key that an operator disabled back into rotation (strikes cleared, its cool-downs kept); a key that
     * Google's answers took out of rotation needs {@link #reset} instead.
     *
     * @return whether the key was disabled by an operator
     */
    public boolean enable(ApiKey key, Evidence evidence) {
        if (!key.enableByOperator(evidence)) {
            return false;
        }
        bump();
        listener.changed(key);
        return true;
    }

    /** Strikes (5xx, timeouts, broken streams) that disable a key; may change at runtime. */
    public int maxFailures() {
        return maxFailures;
    }

    public void setMaxFailures(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    /** Adds keys not yet in the pool; returns the ones added. */
    public synchronized List<ApiKey> add(Collection<String> secrets) {
        Map<String, ApiKey> all = new LinkedHashMap<>();
        for (ApiKey k : keys) {
            all.put(k.secret(), k);
        }
        List<ApiKey> added = new ArrayList<>();
        for (String s : secrets) {
            KeyEntry e = KeyEntry.parse(s);
            if (!all.containsKey(e.secret())) {
                ApiKey k = new ApiKey(e.secret(), fingerprints);
                if (e.project() != null) {
                    k.joinProject(project(e.project()), Project.Source.OPERATOR, "added with @" + e.project());
                }
                all.put(e.secret(), k);
                added.add(k);
            }
        }
        keys = all.values().toArray(new ApiKey[0]);
        bump();
        if (!added.isEmpty()) {
            listener.added(added);
        }
        for (ApiKey k : added) {
            if (k.projectSource() == Project.Source.OPERATOR) {
                // a project given with the key (key@project) is saved with its state, so it survives a restart
                listener.changed(k);
            }
        }
        return added;
    }

    /**
     * Takes keys out of the pool for good (copy-on-write, like {@link #add}). Each is marked removed first, so that
     * a pick that starts after this returns never hands one out, and a verdict on one that arrives later changes and
     * saves nothing. Returns the ones that were in the pool.
     */
    public synchronized List<ApiKey> remove(Collection<ApiKey> gone) {
        Set<ApiKey> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        out.addAll(gone);
        List<ApiKey> kept = new ArrayList<>(keys.length);
        List<ApiKey> removed = new ArrayList<>();
        for (ApiKey k : keys) {
            if (out.contains(k)) {
                k.markRemoved();
                removed.add(k);
            } else {
                kept.add(k);
            }
        }
        if (!removed.isEmpty()) {
            keys = kept.toArray(new ApiKey[0]);
            bump();
            listener.removed(removed);
        }
        return removed;
    }

    /** The keys in pool order (a snapshot). */
    public List<ApiKey> keys() {
        return List.of(keys);
    }

    public int size() {
        return keys.length;
    }

    /** Keys whose pool-wide state is ACTIVE (some may still be cooling for a model). */
    public int usable() {
        int n = 0;
        for (ApiKey k : keys) {
            if (k.state() == KeyState.ACTIVE) {
                n++;
            }
        }
        return n;
    }

    /** How this pool names keys: the fingerprint of a key that is not (yet) in it, e.g. one pasted by an operator. */
    public KeyFingerprint fingerprints() {
        return fingerprints;
    }

    /** Finds a key by its fingerprint, or null. */
    public ApiKey byFingerprint(String fingerprint) {
        for (ApiKey k : keys) {
            if (k.fingerprint().equals(fingerprint)) {
                return k;
            }
        }
        return null;
    }
}
