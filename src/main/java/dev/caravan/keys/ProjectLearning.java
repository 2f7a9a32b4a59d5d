package dev.caravan.keys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Learns which keys share a project from Google's quota 429s (README "Quotas", the evidence). Two rules, either may
 * group keys:
 *
 * <p><b>One clear coincidence.</b> Key B joins key A's project when all of these hold:
 * <ul>
 *   <li>B's 429 names the same quota (quotaId) and model as a 429 of A, within PROJECT_EVIDENCE_SECONDS;</li>
 *   <li>Google's limit (quotaValue) is known, and B alone could not have spent it: B's own attempts in the quota's
 *       period (the last minute, or Google's day) are fewer than the limit;</li>
 *   <li>the two pauses end together (within a second): one budget resets once;</li>
 *   <li>A's project is the only other one with such a 429 in that span: a coincidence that could name two projects
 *       teaches nothing (under an even load many projects run out at once). A 429 of a third project that comes
 *       within the span after the grouping undoes it ({@link #undoneBy}): the second 429 of a burst that goes on to
 *       refuse three projects named no pair after all.</li>
 * </ul>
 *
 * <p><b>Windows that reset together, window after window</b> (for the storm's case, where every project runs out at
 * once and no single coincidence is clear). Each per-minute 429 with a {@code retryDelay} places its project's window
 * reset within the call's round trip. For every two keys refused the same per-minute quota for the same model within
 * one window (each refused before the other's reset), the pool keeps a tally:
 * <ul>
 *   <li><i>together</i>, once per window, when their resets can be the same moment (their spans overlap);</li>
 *   <li><i>apart</i>, for good, when their resets cannot be (one project has one window), or when one of them was
 *       served by a call sent after the other's refusal was read and before that refusal's reset (its project had
 *       room while the other's had none).</li>
 * </ul>
 * Key B joins key A's project when they were together in {@value #WINDOWS_TOGETHER} windows and never apart, B is
 * apart from no key of A's project, and B's refusal came while B's own served requests in that window were fewer
 * than Google's limit (so B did not spend the window alone: it shares it). Both rules only ever move keys whose
 * project nobody named, but for one case: two learned parts of one project merge on the same evidence, when no key of
 * one was seen apart from a key of the other ({@link #mergeLearned}). An operator's word (API_KEYS' key@project, the
 * admin page) and a project Google names are never overridden.
 *
 * <p>Until they are grouped, keys shown to share their windows with keys unknown ({@link #sharesUnknown}) count as one
 * project together when waiting requests are promised room: each one's own budget would count its project's whole
 * minute once per key.
 *
 * <p>Thread-safe: the recent 429s and the tallies are guarded by this object's lock, taken on quota 429s, and on
 * successes only while some per-minute refusal is recent (never by picks).
 */
public final class ProjectLearning {

    /** Recent quota 429s remembered at most. */
    static final int MAX_RECENT = 512;
    /** Pauses that end within this much of each other end together. */
    static final long SAME_RESET_MS = 1_000;

    private record Hit(ApiKey key, String quotaId, String model, long atMillis, long untilMillis, long spanMillis) {
    }

    /** A grouping the first rule made: the keys it moved into {@code project}, undone by a third project's 429. */
    private record Join(List<ApiKey> moved, Project project, String quotaId, String model, long atMillis,
                        long windowMillis) {
    }

    /** Windows two keys must reset together in, and never apart, before the second rule groups them. */
    static final int WINDOWS_TOGETHER = 3;
    /** Pairs of keys tallied at most: past it no new pair is tallied (the rule then learns less, never wrongly). */
    static final int MAX_PAIRS = 50_000;
    /** Served calls remembered per key and model: enough for a free tier's minute (a larger limit proves nothing). */
    static final int SERVED_RING = 16;
    /** Slack on a reset's span: Google's retryDelay is given to the millisecond. */
    static final long RESET_SLACK_MS = 20;
    /** How long after the last per-minute 429 successes are still compared with refusals (they cost a lock then). */
    static final long ACTIVE_MINUTES = 5;

    /** A per-minute 429: read at {@code readAt}, its window resets within [resetEarliest, resetLatest]. */
    private record Refusal(ApiKey key, String quotaId, String model, long readAt, long resetEarliest,
                           long resetLatest) {
    }

    /** Two keys, in an order of their own so that (a, b) and (b, a) are one pair. */
    private record Pair(ApiKey a, ApiKey b) {
        static Pair of(ApiKey x, ApiKey y) {
            return x.fingerprint().compareTo(y.fingerprint()) <= 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    /** What two keys' refusals said so far: windows that reset together, and whether they were ever seen apart. */
    private static final class Tally {
        int together;
        long lastReset = Long.MIN_VALUE;
        String apart;
    }

    /** A key's served calls for a model: the times they were sent (a ring of the last {@link #SERVED_RING}). */
    static final class Served {
        final long[] at = new long[SERVED_RING];
        int next;
        int count;

        synchronized void add(long t) {
            at[next] = t;
            next = (next + 1) % SERVED_RING;
            count = Math.min(SERVED_RING, count + 1);
        }

        /** Served calls sent in [from, to]; Long.MAX_VALUE when the ring is too short to tell. */
        synchronized long between(long from, long to) {
            long n = 0;
            for (int i = 0; i < count; i++) {
                if (at[i] >= from && at[i] <= to) {
                    n++;
                }
            }
            return n == SERVED_RING ? Long.MAX_VALUE : n;
        }
    }

    private final ArrayDeque<Refusal> minuteRefusals = new ArrayDeque<>();
    private final Map<Pair, Tally> tallies = new HashMap<>();
    /** Keys whose project is unknown and which were refused before they alone could have spent the window. */
    private final Set<ApiKey> sharing = java.util.Collections.newSetFromMap(new ConcurrentHashMap<>());
    /** Until when successes are compared with refusals (epoch ms): a while after the last per-minute 429. */
    private volatile long activeUntil = Long.MIN_VALUE;

    private final KeyRoundRobin pool;
    private final ArrayDeque<Hit> recent = new ArrayDeque<>();
    /** The first rule's groupings of the last span, each undone if a third project's 429 comes within it. */
    private final List<Join> joins = new ArrayList<>();
    private volatile IntSupplier windowSeconds = () -> 5;

    ProjectLearning(KeyRoundRobin pool) {
        this.pool = pool;
    }

    /** PROJECT_EVIDENCE_SECONDS, read at each 429 (0: learn nothing from coincidences). */
    public void windowSeconds(IntSupplier seconds) {
        this.windowSeconds = seconds;
    }

    /** A quota 429 on {@code key} for {@code model}: remembered, and compared with the recent ones. */
    void quota429(ApiKey key, String model, Verdict verdict, long now) {
        quota429(key, model, verdict, 0, now);
    }

    /** Like {@link #quota429(ApiKey, String, Verdict, long)} for a call sent at {@code sentAt} (0: unknown). */
    void quota429(ApiKey key, String model, Verdict verdict, long sentAt, long now) {
        long window = windowSeconds.getAsInt() * 1000L;
        if (verdict.evidence() == null || verdict.evidence().quotaId() == null) {
            return;
        }
        // whether the key shares its window is known even where grouping is off (its waits stay honest)
        minute429(key, model, verdict, sentAt, now, window > 0);
        if (window <= 0) {
            return;
        }
        String quotaId = verdict.evidence().quotaId();
        long limit = -1;
        QuotaSignal.Dimension dimension = QuotaSignal.Dimension.of(quotaId, null);
        for (QuotaSignal.Violation v : verdict.signal().violations()) {
            if (quotaId.equals(v.quotaId())) {
                limit = v.value();
            }
        }
        // a per-minute reset Google told lies within the call's round trip; else the pause's end, to a second
        long span = dimension == QuotaSignal.Dimension.REQUESTS_PER_MINUTE && sentAt > 0 && sentAt <= now
                && verdict.signal().minuteResetAtMillis() >= 0 ? now - sentAt + RESET_SLACK_MS : SAME_RESET_MS;
        Hit hit = new Hit(key, quotaId, model, now, verdict.untilMillis(), span);
        // first: a grouping this 429 shows to have been no clear coincidence goes, before this 429 is compared
        for (ApiKey k : undoneBy(key, quotaId, model, now)) {
            pool.unlearnProject(k);
        }
        ApiKey partner = null;
        synchronized (this) {
            Set<Project> others = new HashSet<>();
            ApiKey candidate = null;
            for (Iterator<Hit> it = recent.iterator(); it.hasNext(); ) {
                Hit h = it.next();
                if (now - h.atMillis > window) {
                    it.remove();
                    continue;
                }
                if (h.key != key && h.quotaId.equals(quotaId) && java.util.Objects.equals(h.model, model)
                        && h.key.project() != key.project()) {
                    others.add(h.key.project());
                    if (Math.abs(h.untilMillis - hit.untilMillis) <= Math.max(h.spanMillis, hit.spanMillis)
                            && !apart(key, h.key)) {
                        candidate = h.key;
                    }
                }
            }
            recent.addLast(hit);
            while (recent.size() > MAX_RECENT) {
                recent.removeFirst();
            }
            if (candidate != null && others.size() == 1 && limit > 0 && ownUse(key, model, dimension, now) - 1 < limit) {
                partner = candidate;
            }
        }
        if (partner != null && !apartFromProject(key, partner) && !apartFromProject(partner, key)) {
            List<ApiKey> moved = new ArrayList<>(2);
            if (key.project().own()) {
                moved.add(key);
            }
            if (partner.project().own()) {
                moved.add(partner);
            }
            join(key, partner, quotaId, model, limit, now);
            if (!moved.isEmpty() && key.project() == partner.project()) {
                synchronized (this) {
                    if (joins.size() < MAX_RECENT) {
                        joins.add(new Join(List.copyOf(moved), key.project(), quotaId, model, now, window));
                    }
                }
            }
            // the pause is the (new) project's now, for every key of it
            key.project().coolDown(model, new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(), verdict.evidence()), now);
        }
    }

    /**
     * The keys of the first rule's groupings that a 429 of {@code key} for the same quota and model, within their span
     * and from a third project, shows to be no clear coincidence: they go back to projects of their own.
     */
    private synchronized List<ApiKey> undoneBy(ApiKey key, String quotaId, String model, long now) {
        List<ApiKey> undo = new ArrayList<>(0);
        for (Iterator<Join> it = joins.iterator(); it.hasNext(); ) {
            Join j = it.next();
            if (now - j.atMillis > j.windowMillis) {
                it.remove();
            } else if (j.quotaId.equals(quotaId) && java.util.Objects.equals(j.model, model)
                    && key.project() != j.project && !j.moved.contains(key)) {
                it.remove();
                for (ApiKey k : j.moved) {
                    if (k.project() == j.project) {
                        undo.add(k);
                    }
                }
            }
        }
        return undo;
    }

    /** Drops the record of recent groupings: with the learned projects forgotten, there is nothing to undo. */
    synchronized void forgetRecentJoins() {
        joins.clear();
    }

    private long ownUse(ApiKey key, String model, QuotaSignal.Dimension dimension, long now) {
        if (dimension == QuotaSignal.Dimension.REQUESTS_PER_DAY) {
            long n = 0;
            for (long c : key.usageOn(pool.today()).values()) {
                n += c;
            }
            return n;
        }
        if (dimension == QuotaSignal.Dimension.REQUESTS_PER_MINUTE) {
            return key.attemptsLastMinute(now);
        }
        // a token quota: a key's own requests say nothing about the tokens it spent
        return Long.MAX_VALUE;
    }

    // ownUse counts the refused attempt itself (it is counted when picked): less one, the key's use before it

    /**
     * Puts the key whose project nobody named into the other's project (a new learned one when both are unknown); a key
     * already in a project (named or learned) never moves here.
     */
    private void join(ApiKey b, ApiKey a, String quotaId, String model, long limit, long now) {
        String why = "429 " + quotaId + " for " + model + " coincided with key " + a.fingerprint() + "'s while this key"
                + " had not spent the limit of " + limit;
        if (b.project().own()) {
            String name = a.project().own() ? "learned-" + a.fingerprint() : a.project().name();
            if (a.project().own()) {
                pool.assignProject(a, name, Project.Source.LEARNED, "429 " + quotaId + " for " + model
                        + " coincided with key " + b.fingerprint() + "'s");
            }
            pool.assignProject(b, name, Project.Source.LEARNED, why);
        } else if (a.project().own()) {
            pool.assignProject(a, b.project().name(), Project.Source.LEARNED, "429 " + quotaId + " for " + model
                    + " coincided with key " + b.fingerprint() + "'s, which had not spent the limit of " + limit);
        }
    }

    // --- The second rule: windows that reset together, window after window ---

    /** Whether {@code key}'s project is unknown and the key was shown to share its window with keys not yet known. */
    public boolean sharesUnknown(ApiKey key) {
        return !sharing.isEmpty() && key.project().own() && sharing.contains(key);
    }

    /**
     * A call {@code key} served for {@code model}, sent at {@code sentAt} (0: unknown, then it proves nothing):
     * counted for the key's window, and proof that its project had room while any key refused before it (and not reset
     * since) had none.
     */
    void served(ApiKey key, String model, long sentAt, long now) {
        if (model == null || sentAt <= 0) {
            // a call whose sending time is unknown proves nothing about which window Google served it in
            return;
        }
        if (key.project().own()) {
            // only a key whose project is unknown has anything to prove
            Served ring = key.served(model);
            if (ring != null) {
                ring.add(sentAt);
            }
        }
        if (now > activeUntil) {
            return;
        }
        synchronized (this) {
            for (Refusal o : minuteRefusals) {
                // sent after the other's refusal was read, answered before its window could reset: Google served it
                // inside that window, which one project could not have
                if (o.key != key && o.model.equals(model) && o.readAt < sentAt && now < o.resetEarliest - RESET_SLACK_MS
                        && undecided(key, o.key)) {
                    Tally t = tally(key, o.key);
                    if (t != null && t.apart == null) {
                        t.apart = "served while the other's window was spent";
                    }
                }
            }
        }
    }

    /**
     * Whether learning may still put the two keys in one project: they are in two projects, and at least one of the two
     * is unknown or learned (an operator's or Google's grouping is never the rule's to change).
     */
    private static boolean undecided(ApiKey x, ApiKey y) {
        return x.project() != y.project() && (learnable(x) || learnable(y));
    }

    private static boolean learnable(ApiKey k) {
        return k.project().own() || k.projectSource() == Project.Source.LEARNED;
    }

    /** Whether the second rule's tally saw the two keys apart (under this object's lock). */
    private boolean apart(ApiKey x, ApiKey y) {
        Tally t = tallies.get(Pair.of(x, y));
        return t != null && t.apart != null;
    }

    /** Whether {@code mover} was seen apart from {@code other} or from any key of other's named or learned project. */
    private synchronized boolean apartFromProject(ApiKey mover, ApiKey other) {
        if (apart(mover, other)) {
            return true;
        }
        if (other.project().own()) {
            return false;
        }
        for (ApiKey m : pool.keys()) {
            if (m != mover && m.project() == other.project() && apart(mover, m)) {
                return true;
            }
        }
        return false;
    }

    private Tally tally(ApiKey x, ApiKey y) {
        Pair p = Pair.of(x, y);
        Tally t = tallies.get(p);
        if (t == null && tallies.size() < MAX_PAIRS) {
            t = new Tally();
            tallies.put(p, t);
        }
        return t;
    }

    /** The second rule's part of a quota 429: a per-minute refusal whose window reset Google told. */
    private void minute429(ApiKey key, String model, Verdict verdict, long sentAt, long now, boolean learn) {
        long resetLatest = verdict.signal().minuteResetAtMillis();
        if (model == null || sentAt <= 0 || sentAt > now || resetLatest < 0) {
            return;
        }
        String quotaId = null;
        long limit = -1;
        for (QuotaSignal.Violation v : verdict.signal().violations()) {
            if (v.dimension() == QuotaSignal.Dimension.REQUESTS_PER_MINUTE) {
                quotaId = v.quotaId();
                limit = v.value();
            }
        }
        if (quotaId == null || limit <= 0) {
            return;
        }
        long minute = pool.budgets().minuteMillis();
        activeUntil = now + ACTIVE_MINUTES * minute;
        // Google answered between sending and reading: the reset lies that far apart
        Refusal r = new Refusal(key, quotaId, model, now, resetLatest - (now - sentAt), resetLatest);
        long windowStart = r.resetEarliest - minute;
        Served ring = key.served(model);
        long own = ring == null ? Long.MAX_VALUE : ring.between(windowStart, now);
        // fewer served than the limit, yet refused: someone else spent this window, the key shares its project. (A
        // window a restart cut in two shows only this process's calls: a lone key then looks shared for that window,
        // which makes its waits more careful, not its grouping wrong: grouping needs three windows together.)
        boolean shares = own < limit;
        List<ApiKey> join = new ArrayList<>();
        synchronized (this) {
            while (!minuteRefusals.isEmpty() && minuteRefusals.peekFirst().resetLatest + minute < now) {
                minuteRefusals.removeFirst();
            }
            for (Refusal o : learn ? minuteRefusals : List.<Refusal>of()) {
                if (o.key == key || !o.quotaId.equals(quotaId) || !o.model.equals(model) || !undecided(key, o.key)) {
                    continue;
                }
                // each was refused before the other's window reset: one project would be one window, one reset
                if (!(o.readAt < r.resetEarliest && r.readAt < o.resetEarliest)) {
                    continue;
                }
                Tally t = tally(key, o.key);
                if (t == null || t.apart != null) {
                    continue;
                }
                boolean overlap = o.resetEarliest - RESET_SLACK_MS <= r.resetLatest
                        && r.resetEarliest - RESET_SLACK_MS <= o.resetLatest;
                if (!overlap) {
                    t.apart = "their windows reset at different moments";
                } else if (Math.abs(t.lastReset - r.resetLatest) > minute / 2) {
                    t.together++;
                    t.lastReset = r.resetLatest;
                }
            }
            minuteRefusals.addLast(r);
            while (minuteRefusals.size() > MAX_RECENT) {
                minuteRefusals.removeFirst();
            }
            if (shares && learn) {
                for (Map.Entry<Pair, Tally> e : tallies.entrySet()) {
                    Pair p = e.getKey();
                    Tally t = e.getValue();
                    if ((p.a == key || p.b == key) && t.apart == null && t.together >= WINDOWS_TOGETHER) {
                        join.add(p.a == key ? p.b : p.a);
                    }
                }
            }
        }
        if (shares && key.project().own()) {
            sharing.add(key);
        } else if (own != Long.MAX_VALUE) {
            // the key spent its window alone this time: its own budget's room is its project's
            sharing.remove(key);
        }
        for (ApiKey partner : join) {
            group(key, partner, quotaId, model, limit, verdict, now);
        }
    }

    /**
     * Puts {@code b} and {@code a} in one project, where neither would leave a project someone named or learned for a
     * key it was not seen apart from: b joins a's, or a joins b's, or both a new learned one.
     */
    private void group(ApiKey b, ApiKey a, String quotaId, String model, long limit, Verdict verdict, long now) {
        if (a.project() == b.project()) {
            return;
        }
        ApiKey mover;
        ApiKey stayer;
        if (b.project().own()) {
            mover = b;
            stayer = a;
        } else if (a.project().own()) {
            mover = a;
            stayer = b;
        } else {
            // two projects: merged only where both are learned ones (an operator's or Google's is never touched)
            mergeLearned(b, a, quotaId, model, limit, verdict, now);
            return;
        }
        if (mover.projectSource().rank > Project.Source.LEARNED.rank) {
            return;
        }
        if (apartFromProject(mover, stayer)) {
            return;
        }
        String why = "per-minute 429s " + quotaId + " for " + model + " reset together with key " + stayer.fingerprint()
                + "'s in " + WINDOWS_TOGETHER + "+ windows, never apart, and this key had not served the limit of "
                + limit;
        String name = stayer.project().own() ? "learned-" + stayer.fingerprint() : stayer.project().name();
        if (stayer.project().own()) {
            if (!pool.assignProject(stayer, name, Project.Source.LEARNED, "per-minute 429s " + quotaId + " for " + model
                    + " reset together with key " + mover.fingerprint() + "'s window after window")) {
                return;
            }
        }
        if (pool.assignProject(mover, name, Project.Source.LEARNED, why)) {
            sharing.remove(mover);
            sharing.remove(stayer);
            // the pause is the project's now, for every key of it
            stayer.project().coolDown(model, new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(),
                    verdict.evidence()), now);
        }
    }

    /**
     * Two learned projects whose keys reset together: one project learned in two parts (its keys paired up before any
     * pair met). They become one when no key of one was ever seen apart from a key of the other; the smaller part
     * moves. A project holding any key an operator or Google placed is never merged.
     */
    private void mergeLearned(ApiKey b, ApiKey a, String quotaId, String model, long limit, Verdict verdict, long now) {
        List<ApiKey> ofB = new ArrayList<>();
        List<ApiKey> ofA = new ArrayList<>();
        for (ApiKey k : pool.keys()) {
            if (k.project() == b.project() || k.project() == a.project()) {
                if (k.projectSource() != Project.Source.LEARNED) {
                    return;
                }
                (k.project() == b.project() ? ofB : ofA).add(k);
            }
        }
        synchronized (this) {
            for (ApiKey x : ofB) {
                for (ApiKey y : ofA) {
                    if (apart(x, y)) {
                        return;
                    }
                }
            }
        }
        List<ApiKey> movers = ofB.size() <= ofA.size() ? ofB : ofA;
        ApiKey stayer = movers == ofB ? a : b;
        String name = stayer.project().name();
        for (ApiKey k : movers) {
            pool.assignProject(k, name, Project.Source.LEARNED, "per-minute 429s " + quotaId + " for " + model
                    + " reset together with key " + stayer.fingerprint() + "'s in " + WINDOWS_TOGETHER
                    + "+ windows, never apart from any key of its project (two learned parts of one project)");
        }
        stayer.project().coolDown(model, new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(),
                verdict.evidence()), now);
    }
}
